package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack verify-lib}: not implemented yet. */
@Command(name = "verify-lib", description = "Not implemented yet.")
public final class VerifyLibCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'verify-lib' is not implemented yet");
    }
}
