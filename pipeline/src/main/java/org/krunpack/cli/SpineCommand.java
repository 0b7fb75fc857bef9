package org.krunpack.cli;

import org.krunpack.core.Progress;
import org.krunpack.pipeline.Spine;
import org.krunpack.pipeline.Stage;
import org.krunpack.project.Project;
import org.krunpack.smoke.Accelerator;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;

/** Shared face of {@code build} and {@code pipeline}: run the spine up to a stage and report. */
abstract class SpineCommand extends BaseCommand {
    @Option(names = "--fresh-tree", description = "Extract and patch the kernel tree again even when its inputs"
            + " are unchanged.")
    boolean freshTree;

    int runSpine(Stage upTo, Accelerator.Mode accel, Integer timeoutSeconds) {
        return runSpine(upTo, false, accel, timeoutSeconds);
    }

    int runSpine(Stage upTo, boolean strictConfig, Accelerator.Mode accel, Integer timeoutSeconds) {
        Project project = project();
        PrintStream progress = json() ? System.err : System.out;
        boolean terminal = !json() && Progress.isTerminal();
        var log = log();
        Spine.Options options = new Spine.Options(upTo, freshTree, strictConfig, accel,
                timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds), progress, terminal,
                line -> {
                    log.println(line);
                    log.flush();
                });
        return report(Spine.run(project, outDir, options));
    }
}
