package org.krunpack.cli;

import org.krunpack.pipeline.Stage;
import org.krunpack.smoke.Accelerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code krunpack pipeline}: the build, then the smoke test. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline: 'build' (sources, patches, config, kernel, bundle,",
                "verify-lib), then 'smoke' (boot the library's kernel under QEMU, KVM when usable)."})
public final class PipelineCommand extends SpineCommand {
    @Option(names = "--accel", paramLabel = "MODE", defaultValue = "auto",
            description = "Accelerator for the smoke boot: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Accelerator.Mode accel;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Smoke boot timeout (default: 60 under TCG, 20 under KVM).")
    Integer timeout;

    @Override
    public Integer call() {
        return runSpine(Stage.SMOKE, accel, timeout);
    }
}
