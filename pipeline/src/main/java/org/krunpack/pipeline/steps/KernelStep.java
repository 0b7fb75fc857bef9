package org.krunpack.pipeline.steps;

import org.krunpack.core.StepResult;
import org.krunpack.kbuild.BuildResult;
import org.krunpack.kbuild.KernelBuild;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;

/**
 * Builds the kernel image (make is not entered at all when the tree, the config and the compiler
 * are those of the last successful build and the image is still there).
 */
public final class KernelStep implements Step {
    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 1);
        in.upstream(ctx, Keys.TREE_STATE).upstream(ctx, Keys.CONFIG_SHA512);
        in.value("compiler", ConfigStep.toolchain(ctx).identity());
        in.value("build", p.sourceDateEpoch() + " " + p.build().user() + " " + p.build().host());
    }

    @Override
    public StepResult run(StepContext ctx) {
        KernelBuild.Request req = PatchedCodeStep.request(ctx);
        BuildResult r = KernelBuild.run(req, ctx.progress(), ctx.terminal());
        ctx.put(Keys.IMAGE, r.image());
        ctx.put(Keys.IMAGE_SHA512, ctx.digests().sha512(r.image()));
        return r;
    }
}
