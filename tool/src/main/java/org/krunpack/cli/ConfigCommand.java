package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack config}: not implemented yet. */
@Command(name = "config", description = "Not implemented yet.")
public final class ConfigCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'config' is not implemented yet");
    }
}
