package org.krunpack.pipeline.steps;

import org.krunpack.core.Digests;
import org.krunpack.core.StepResult;
import org.krunpack.patches.PatchReport;
import org.krunpack.patches.PatchSeries;
import org.krunpack.patches.TreePatcher;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Applies the series (the release's patches with the project's decisions, then ours) to the tree,
 * all or nothing, taking off a series applied by an earlier run first; or, in check mode, only
 * checks it against the tree's pristine content. Failed hunks are kept in {@code out/patches/rejects}.
 */
public final class PatchesStep implements Step {
    private final boolean install;

    /** @param install true: patch the tree; false: check only */
    public PatchesStep(boolean install) {
        this.install = install;
    }

    @Override
    public String name() {
        return install ? "patches" : "patches-check";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        in.value("step", 2);
        in.upstream(ctx, Keys.TREE).upstream(ctx, Keys.KERNEL_SHA512).upstream(ctx, Keys.RELEASE_DIR);
        Series.inputs(ctx, in);
        if (!install) {
            in.uncacheable("a check always runs (it takes a second)");
        }
    }

    @Override
    public StepResult run(StepContext ctx) {
        PatchSeries series = Series.plan(ctx);
        Path tree = ctx.get(Keys.TREE);
        PatchReport report = TreePatcher.bring(tree, series, install, ctx.workspace().patchesDir(),
                ctx.workspace().rejectsDir());
        if (install && report.ok()) {
            ctx.put(Keys.TREE_STATE, Digests.sha256((ctx.get(Keys.KERNEL_SHA512) + " " + series.digest())
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return report;
    }
}
