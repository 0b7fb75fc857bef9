package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack srpm}: not implemented yet. */
@Command(name = "srpm", description = "Not implemented yet.")
public final class SrpmCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'srpm' is not implemented yet");
    }
}
