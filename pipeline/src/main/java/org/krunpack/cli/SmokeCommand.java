package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.smoke.Accelerator;
import org.krunpack.smoke.Smoke;
import org.krunpack.smoke.SmokeResult;
import picocli.CommandLine.Command;
import org.krunpack.pipeline.Workspace;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code krunpack smoke}: boots the kernel inside a libkrunfw library and probes the guest. */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = {"Boot the kernel a libkrunfw library hands out (krunfw_get_kernel) under QEMU,"
                + " and under libkrun where installed, and check what a libkrun guest needs.",
                "Uses KVM only when hardware KVM (kvm_intel/kvm_amd, read-write /dev/kvm) is usable,"
                        + " TCG otherwise; --accel kvm without it exits 2."})
public final class SmokeCommand extends BaseCommand {
    @Option(names = "--lib", paramLabel = "FILE",
            description = "The library to test (default: <out>/bundle/<library file name of the project>).")
    Path lib;

    @Option(names = "--accel", paramLabel = "MODE", defaultValue = "auto",
            description = "Accelerator: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Accelerator.Mode accel;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Kill the VM after this many seconds (default: 60 under TCG, 20 under KVM).")
    Integer timeout;

    @Option(names = "--features", paramLabel = "FILE",
            description = "Feature manifest (default: config.features of the project file).")
    Path features;

    @Option(names = "--kernel-config", paramLabel = "FILE",
            description = "The kernel .config the library was built from; only features whose options it"
                    + " sets are required (default: <out>/config/config if present, else every feature).")
    Path kernelConfig;

    @Option(names = "--all-features",
            description = "Expect every feature of the manifest, whatever the kernel config sets.")
    boolean allFeatures;

    @Option(names = "--no-libkrun", description = "Skip the libkrun backend even where libkrun is installed.")
    boolean noLibkrun;

    @Option(names = "--init", paramLabel = "FILE", hidden = true,
            description = "A static binary to boot as /init instead of krunpack's (for debugging).")
    Path init;

    @Override
    public Integer call() {
        if (timeout != null && timeout <= 0) {
            throw KrunpackException.usage("--timeout must be a positive number of seconds, not " + timeout);
        }
        Project project = Files.exists(configFile) || lib == null ? project() : null;
        Workspace ws = Workspace.layout(outDir);
        Path library = lib != null ? lib : ws.bundleDir().resolve(project.libraryFileName());
        Path manifest = features != null ? features
                : project != null ? project.config().features() : null;
        if (allFeatures && kernelConfig != null) {
            throw KrunpackException.usage("--all-features and --kernel-config exclude each other: the config"
                    + " only decides which features are expected");
        }
        Path config = kernelConfig;
        if (config == null && !allFeatures && Files.isRegularFile(ws.resolvedConfig())) {
            config = ws.resolvedConfig();
        }
        PrintWriter log = log();
        Smoke.Options options = new Smoke.Options(library, accel, timeout == null ? null : Duration.ofSeconds(timeout),
                manifest, config, ws.smokeDir(), init, !noLibkrun);
        List<SmokeResult> results = Smoke.run(options, Smoke.Host.system(), line -> {
            log.println(line);
            log.flush();
        });
        return report(results);
    }
}
