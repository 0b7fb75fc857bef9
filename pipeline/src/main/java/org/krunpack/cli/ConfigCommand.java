package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import org.krunpack.kbuild.Toolchain;
import org.krunpack.kconfig.ConfigInput;
import org.krunpack.kconfig.ConfigReport;
import org.krunpack.kconfig.FeatureManifest;
import org.krunpack.kconfig.Fragment;
import org.krunpack.kconfig.KernelConfig;
import org.krunpack.pipeline.Commands;
import org.krunpack.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code krunpack config}: merge, resolve and verify the kernel config, on a given tree or on the
 * tree the steps prepare (sources, tree, patches).
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {
                "Resolve and verify the kernel config with the patched tree's own Kconfig.",
                "The input is the project's fragments (merged in order, later wins, redefinitions reported),"
                        + " its full config, or the release's config. A requested option that Kconfig dropped or"
                        + " changed fails the step (exit 1) with the reason read from the Kconfig files, unless a"
                        + " fragment exempts it with a written reason. In a full config, symbols probed from the"
                        + " toolchain and symbols without a prompt are listed as differences, not errors, and new"
                        + " symbols of the kernel are listed with the value they took. Options the applied"
                        + " patches add that end up off are warned about, naming the patch.",
                "Without --tree, first runs the sources, tree and patches steps (each skipped when unchanged).",
                "Writes <out>/config/: config, merged.config, report.txt, report.json, make.log."})
public final class ConfigCommand extends RunCommand {
    @Option(names = "--tree", paramLabel = "DIR",
            description = "Work on this prepared kernel tree instead of preparing one from the sources.")
    Path tree;

    @Option(names = "--strict", description = "Fail when a fragment redefines a symbol (also: config.strict).")
    boolean strict;

    @Option(names = "--accept", description = "Write the resolved config as the new full config (config.full, or"
            + " the file given with --accept-to) and print how it differs from the previous one.")
    boolean accept;

    @Option(names = "--accept-to", paramLabel = "FILE", description = "Where --accept writes (default: config.full).")
    Path acceptTo;

    @Override
    public Integer call() {
        Project project = project();
        if (tree == null) {
            if (!project.config().fromRelease() && project.config().full() == null) {
                checkFeatures(project, ConfigInput.fragments(project.config().fragments(), strict));
            }
            return runSteps(Commands.config(), options().withConfig(strict, accept || acceptTo != null, acceptTo));
        }
        if (accept || acceptTo != null) {
            throw KrunpackException.usage("--accept works on the tree the steps prepare; drop --tree");
        }
        ConfigInput input = input(project, strict);
        checkFeatures(project, input);
        // the same compiler as the steps' config (a cross gcc for a foreign arch): Kconfig probes it
        Toolchain tc = Toolchain.find(project.arch(), project.build().crossCompile(), project.build().ccache());
        log().println("config: resolving with the Kconfig of " + tree + " (" + String.join(" ", tc.makeArgs()) + ")");
        log().flush();
        ConfigReport report = KernelConfig.run(new KernelConfig.Request(tree, outDir.resolve("config-build"),
                project.arch(), tc.makeArgs(), input, outDir.resolve("config"), java.util.Map.of(), null));
        return report(report);
    }

    /**
     * Validates the feature manifest (config.features) before anything runs: structural problems are
     * usage errors; options the fragments do not request are printed as warnings.
     */
    private void checkFeatures(Project project, ConfigInput input) {
        Path features = project.config().features();
        if (features == null) {
            return;
        }
        FeatureManifest manifest = FeatureManifest.load(features);
        if (input instanceof ConfigInput.Fragments f) {
            List<Fragment> fragments = new ArrayList<>();
            try {
                for (Path p : f.files()) {
                    fragments.add(Fragment.read(p, p.getFileName().toString()));
                }
            } catch (KrunpackException e) {
                return; // the config step reports every bad fragment line at once
            }
            for (String w : manifest.warningsAgainst(fragments)) {
                log().println("warning: " + w);
            }
        }
    }

    /** The config input of the project file for --tree: fragments or a full config. */
    static ConfigInput input(Project project, boolean strict) {
        Project.Config c = project.config();
        if (!c.fragments().isEmpty()) {
            return ConfigInput.fragments(c.fragments(), strict || c.strict());
        }
        if (c.full() != null) {
            return ConfigInput.full(c.full());
        }
        throw KrunpackException.usage(project.file() + ": config.fromRelease takes the release's config, which only"
                + " the steps provide: drop --tree (the tree is prepared from the sources, or reused)");
    }
}
