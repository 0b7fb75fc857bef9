package org.krunpack.pipeline;

import org.krunpack.pipeline.steps.BundleStep;
import org.krunpack.pipeline.steps.ConfigStep;
import org.krunpack.pipeline.steps.KernelStep;
import org.krunpack.pipeline.steps.PatchedCodeStep;
import org.krunpack.pipeline.steps.PatchesGitStep;
import org.krunpack.pipeline.steps.PatchesStep;
import org.krunpack.pipeline.steps.ReleaseStep;
import org.krunpack.pipeline.steps.SmokeStep;
import org.krunpack.pipeline.steps.SourcesStep;
import org.krunpack.pipeline.steps.TreeStep;
import org.krunpack.pipeline.steps.VerifyStep;

import java.util.ArrayList;
import java.util.List;

/**
 * Every command's steps, in order: the one place to read what a command does.
 *
 * <pre>
 * patches check   sources  release  tree  patches-check
 * patches apply   sources  release  tree  patches
 * patches export  sources  release  tree  patches-export
 * patches import  sources  release  patches-import
 * config          sources  release  tree  patches  config
 * build           sources  release  tree  patches  config  patched-code  kernel  bundle  verify-lib
 * pipeline        ... build ...  smoke
 * </pre>
 */
public final class Commands {
    private Commands() {
    }

    private static List<Step> prepare() {
        return List.of(new SourcesStep(), new ReleaseStep(), new TreeStep());
    }

    public static List<Step> patchesCheck() {
        return concat(prepare(), new PatchesStep(false));
    }

    public static List<Step> patchesApply() {
        return concat(prepare(), new PatchesStep(true));
    }

    public static List<Step> patchesExport(java.nio.file.Path repo) {
        return concat(prepare(), new PatchesGitStep(PatchesGitStep.Mode.EXPORT, repo, null));
    }

    public static List<Step> patchesImport(java.nio.file.Path repo, java.nio.file.Path to) {
        return List.of(new SourcesStep(), new ReleaseStep(), new PatchesGitStep(PatchesGitStep.Mode.IMPORT, repo, to));
    }

    public static List<Step> config() {
        return concat(patchesApply(), new ConfigStep());
    }

    public static List<Step> build() {
        return concat(config(), new PatchedCodeStep(), new KernelStep(), new BundleStep(), new VerifyStep());
    }

    public static List<Step> pipeline() {
        return concat(build(), new SmokeStep());
    }

    private static List<Step> concat(List<Step> a, Step... more) {
        List<Step> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return List.copyOf(out);
    }
}
