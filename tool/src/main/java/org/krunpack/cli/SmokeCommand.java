package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack smoke}: not implemented yet. */
@Command(name = "smoke", description = "Not implemented yet.")
public final class SmokeCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'smoke' is not implemented yet");
    }
}
