package org.krunpack.cli;

import org.krunpack.core.Progress;
import org.krunpack.pipeline.Commands;
import org.krunpack.pipeline.FileDigests;
import org.krunpack.pipeline.RunOptions;
import org.krunpack.pipeline.RunReport;
import org.krunpack.pipeline.Runner;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.pipeline.Workspace;
import org.krunpack.project.Project;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;

/**
 * A command that runs a list of steps ({@link Commands}) with the step runner: unchanged steps are
 * skipped, every step's outcome is reported.
 */
abstract class RunCommand extends BaseCommand {
    @Option(names = "--fresh-tree", description = "Extract the kernel tree again even when it could be reused.")
    boolean freshTree;

    @Option(names = "--no-cache", description = "Run every step, even those whose inputs are unchanged since their"
            + " last successful run.")
    boolean noCache;

    /** The options with this command's flags; subclasses add theirs. */
    RunOptions options() {
        return RunOptions.defaults().withCache(!noCache, freshTree);
    }

    int runSteps(List<Step> steps, RunOptions options) {
        Project project = project();
        PrintStream progress = json() ? System.err : System.out;
        boolean terminal = !json() && Progress.isTerminal();
        var log = log();
        try (Workspace ws = Workspace.open(outDir)) {
            StepContext ctx = new StepContext(project, ws, options, FileDigests.load(ws.digestCache()), progress,
                    terminal, line -> {
                        log.println(line);
                        log.flush();
                    });
            if (project.cache() != null) {
                // Only now: Maven Resolver's classes stay unloaded for projects without a shared cache.
                ctx.withSharedCache(org.krunpack.pipeline.MavenStepCache.of(project));
            }
            RunReport report = Runner.run(steps, ctx);
            return report(report);
        }
    }
}
