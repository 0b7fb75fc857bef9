package org.krunpack.cli;

import org.krunpack.pipeline.Commands;
import org.krunpack.smoke.Accelerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code krunpack pipeline}: the build, then the smoke test. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline: every step of 'build' (sources, tree, patches, config, the"
                + " patched code, kernel, bundle, verify-lib), then 'smoke', which boots the library's kernel"
                + " under QEMU (KVM when usable, else TCG) and probes the feature manifest's features."})
public final class PipelineCommand extends RunCommand {
    @Option(names = "--accel", paramLabel = "MODE", defaultValue = "auto",
            description = "Accelerator for the smoke boot: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Accelerator.Mode accel;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Smoke boot timeout (default: 60 under TCG, 20 under KVM).")
    Integer timeout;

    @Override
    public Integer call() {
        return runSteps(Commands.pipeline(), options().withSmoke(accel,
                timeout == null ? null : java.time.Duration.ofSeconds(timeout)));
    }
}
