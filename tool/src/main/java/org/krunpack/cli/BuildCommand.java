package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack build}: not implemented yet. */
@Command(name = "build", description = "Not implemented yet.")
public final class BuildCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'build' is not implemented yet");
    }
}
