package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack spec}: not implemented yet. */
@Command(name = "spec", description = "Not implemented yet.")
public final class SpecCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'spec' is not implemented yet");
    }
}
