package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack bundle}: not implemented yet. */
@Command(name = "bundle", description = "Not implemented yet.")
public final class BundleCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'bundle' is not implemented yet");
    }
}
