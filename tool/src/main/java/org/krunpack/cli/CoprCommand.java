package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack copr}: not implemented yet. */
@Command(name = "copr", description = "Not implemented yet.")
public final class CoprCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'copr' is not implemented yet");
    }
}
