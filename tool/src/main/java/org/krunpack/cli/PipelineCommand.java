package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack pipeline}: not implemented yet. */
@Command(name = "pipeline", description = "Not implemented yet.")
public final class PipelineCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'pipeline' is not implemented yet");
    }
}
