package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack bump}: not implemented yet. */
@Command(name = "bump", description = "Not implemented yet.")
public final class BumpCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'bump' is not implemented yet");
    }
}
