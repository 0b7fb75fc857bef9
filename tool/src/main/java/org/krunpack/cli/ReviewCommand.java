package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;

/** {@code krunpack review}: not implemented yet. */
@Command(name = "review", description = "Not implemented yet.")
public final class ReviewCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw KrunpackException.usage("'review' is not implemented yet");
    }
}
