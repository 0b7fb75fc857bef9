package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import org.krunpack.pipeline.Stage;
import org.krunpack.smoke.Accelerator;
import org.krunpack.kconfig.ConfigInput;
import org.krunpack.kconfig.ConfigReport;
import org.krunpack.kconfig.FeatureManifest;
import org.krunpack.kconfig.Fragment;
import org.krunpack.kconfig.KernelConfig;
import org.krunpack.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code krunpack config}: merge, resolve and verify the kernel config, on a given tree or on the
 * tree the pipeline prepares (sources, extraction, patches).
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {
                "Merge the project's Kconfig fragments (later wins; redefinitions reported) or take its full",
                "config, resolve it with the kernel tree's own Kconfig, and verify every requested option:",
                "dropped or changed options (with the reason read from the tree's Kconfig), unanswered new",
                "symbols and Kconfig warnings fail the step (exit 1) unless exempted with a written reason.",
                "Without --tree, first fetches the sources, extracts and patches the kernel tree (reused",
                "when its inputs are unchanged).",
                "Writes <out>/config/{config,merged.config,report.txt,report.json,make.log}."})
public final class ConfigCommand extends SpineCommand {
    @Option(names = "--tree", paramLabel = "DIR",
            description = "Work on this prepared kernel tree instead of preparing one from the sources.")
    Path tree;

    @Option(names = "--strict", description = "Fail when a fragment redefines a symbol (also: config.strict).")
    boolean strict;

    @Override
    public Integer call() {
        Project project = project();
        if (tree == null) {
            if (!project.config().fromRelease()) {
                checkFeatures(project, input(project, strict));
            }
            return runSpine(Stage.CONFIG, strict, Accelerator.Mode.auto, null);
        }
        ConfigInput input = input(project, strict);
        checkFeatures(project, input);
        Path dir = tree;
        log().println("config: resolving with the Kconfig of " + dir);
        log().flush();
        ConfigReport report = KernelConfig.run(dir, project.arch(), input, outDir);
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

    /** The config input the project file asks for; {@code strict} adds to config.strict. */
    static ConfigInput input(Project project, boolean strict) {
        Project.Config c = project.config();
        if (!c.fragments().isEmpty()) {
            return ConfigInput.fragments(c.fragments(), strict || c.strict());
        }
        if (c.full() != null) {
            return ConfigInput.full(c.full());
        }
        // config.fromRelease: the pipeline resolves the release's config for the arch and variant
        // and calls KernelConfig.run with ConfigInput.full(path).
        throw KrunpackException.usage(project.file() + ": config.fromRelease needs the release's config,"
                + " which 'krunpack pipeline' provides; 'krunpack config' alone takes config.fragments"
                + " or config.full");
    }
}
