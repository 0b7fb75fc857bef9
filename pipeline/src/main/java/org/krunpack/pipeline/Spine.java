package org.krunpack.pipeline;

import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.BundleResult;
import org.krunpack.bundle.Bundler;
import org.krunpack.core.Artifact;
import org.krunpack.core.Problems;
import org.krunpack.core.Sandbox;
import org.krunpack.core.StepResult;
import org.krunpack.kbuild.BuildResult;
import org.krunpack.kbuild.KernelBuild;
import org.krunpack.kconfig.ConfigInput;
import org.krunpack.kconfig.ConfigReport;
import org.krunpack.kconfig.KernelConfig;
import org.krunpack.patches.Patch;
import org.krunpack.patches.PatchApplier;
import org.krunpack.patches.PatchReport;
import org.krunpack.patches.PatchSeries;
import org.krunpack.project.Project;
import org.krunpack.release.LibkrunfwRelease;
import org.krunpack.smoke.Accelerator;
import org.krunpack.smoke.Smoke;
import org.krunpack.sources.KernelTree;
import org.krunpack.sources.KernelTreeResult;
import org.krunpack.sources.Sources;
import org.krunpack.sources.SourcesResult;
import org.krunpack.verify.LibraryVerifier;
import org.krunpack.verify.VerifyResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The pipeline's spine, as one ordered list of steps: sources → tree → patches → config → kernel →
 * bundle → verify-lib → smoke. It stops at the first step that fails (its result is the last in the
 * list) and reuses a prepared tree whose inputs are unchanged.
 */
public final class Spine {
    /** What the caller wants beyond the project file. */
    public record Options(Stage upTo, boolean freshTree, boolean strictConfig, Accelerator.Mode accel,
                          Duration smokeTimeout, PrintStream progress, boolean terminal, Consumer<String> log) {
        public static Options of(Stage upTo, PrintStream progress, boolean terminal, Consumer<String> log) {
            return new Options(upTo, false, false, Accelerator.Mode.auto, null, progress, terminal, log);
        }
    }

    private final Project project;
    private final Path out;
    private final Options options;
    private final List<StepResult> results = new ArrayList<>();

    private Spine(Project project, Path out, Options options) {
        this.project = project;
        this.out = out.toAbsolutePath().normalize();
        this.options = options;
    }

    /** Runs the steps up to {@code options.upTo()}; the list ends early when a step fails. */
    public static List<StepResult> run(Project project, Path out, Options options) {
        return new Spine(project, out, options).run();
    }

    private List<StepResult> run() {
        SourcesResult sources = add(Sources.fetch(project, out));
        LibkrunfwRelease release = sources.release() == null ? null
                : LibkrunfwRelease.open(sources.release().file(), out.resolve("release"));
        if (release != null) {
            checkReleaseVersions(release);
        }
        List<Path> releasePatches = release != null && project.patches().fromRelease()
                ? release.patches(project.variant()) : List.of();
        PatchSeries series = PatchSeries.load(releasePatches, project.patches().series());

        Path tree = prepareTree(sources, release, series);
        if (tree == null) {
            return results;
        }

        ConfigReport config = add(KernelConfig.run(tree, project.arch(), configInput(release), out));
        if (!config.ok() || options.upTo() == Stage.CONFIG) {
            return results;
        }

        BuildResult build = add(KernelBuild.run(new KernelBuild.Request(tree, project.arch(), out,
                project.sourceDateEpoch(), project.build().jobs(), project.build().ccache(),
                project.build().user(), project.build().host()), options.progress(), options.terminal()));
        BundleResult bundle = add(Bundler.bundle(BundleRequest.of(project, build.image(), out, null, null)));
        VerifyResult verify = add(LibraryVerifier.verify(bundle.library(), build.image(),
                Sandbox.forInputs(true)));
        if (!verify.ok() || options.upTo() == Stage.BUILD) {
            return results;
        }

        Path features = project.config().features();
        results.addAll(Smoke.run(new Smoke.Options(bundle.library(), options.accel(), options.smokeTimeout(),
                features, config.artifacts().stream().filter(a -> a.role().equals("kernel-config"))
                        .map(Artifact::path).findFirst().orElse(null),
                out.resolve("smoke"), null, true), Smoke.Host.system(), options.log()));
        return results;
    }

    /** Extracts and patches the tree, or reuses one prepared from the same inputs. Null when patching failed. */
    private Path prepareTree(SourcesResult sources, LibkrunfwRelease release, PatchSeries series) {
        String stamp = TreeStamp.compute(sources.kernel().sha512(),
                series.patches().stream().map(Patch::file).toList(), project.patches().fuzz());
        if (!options.freshTree()) {
            Path reusable = findTree(stamp);
            if (reusable != null) {
                results.add(new Reused(reusable, series.patches().size()));
                return reusable;
            }
        }
        KernelTreeResult tree = add(KernelTree.prepare(project, sources, release, out));
        PatchReport patches = add(PatchApplier.apply(tree.tree(), series, project.patches().fuzz(), out));
        if (!patches.ok()) {
            return null;
        }
        TreeStamp.write(tree.tree(), stamp);
        return tree.tree();
    }

    private Path findTree(String stamp) {
        Path dir = out.resolve("tree");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("linux-"))
                    .filter(p -> TreeStamp.matches(p, stamp)).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The release's FULL_VERSION and ABI_VERSION must be the ones the project file names. */
    private void checkReleaseVersions(LibkrunfwRelease release) {
        Problems problems = new Problems(project.file().toString());
        if (!release.fullVersion().equals(project.libkrunfw().version())) {
            problems.add("libkrunfw.version", "says " + project.libkrunfw().version() + " but " + release.makefile()
                    + " (FULL_VERSION) says " + release.fullVersion() + ": make them agree");
        }
        if (!release.abiVersion().equals(Integer.toString(project.libkrunfw().abi()))) {
            problems.add("libkrunfw.abi", "says " + project.libkrunfw().abi() + " but " + release.makefile()
                    + " (ABI_VERSION) says " + release.abiVersion() + ": make them agree");
        }
        problems.throwIfAny();
    }

    private ConfigInput configInput(LibkrunfwRelease release) {
        Project.Config c = project.config();
        if (c.full() != null) {
            return ConfigInput.full(c.full());
        }
        if (c.fromRelease()) {
            return ConfigInput.full(release.config(project.arch(), project.variant()));
        }
        return ConfigInput.fragments(c.fragments(), c.strict() || options.strictConfig());
    }

    private <T extends StepResult> T add(T result) {
        results.add(result);
        return result;
    }

    /** The tree step when a prepared tree was reused. */
    record Reused(Path tree, int patches) implements StepResult {
        @Override
        public String step() {
            return "tree";
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public List<Artifact> artifacts() {
            return List.of(new Artifact("kernel-tree", tree));
        }

        @Override
        public List<String> summary() {
            return List.of("reused " + tree + ": same tarball, " + patches + " patches and fuzz as before"
                    + " (--fresh-tree extracts again)");
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("reused", true);
            d.put("tree", tree.toString());
            return d;
        }
    }
}
