package org.krunpack.pipeline.steps;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;
import org.krunpack.kbuild.BuildResult;
import org.krunpack.kbuild.KernelBuild;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Shareable;
import org.krunpack.pipeline.SharedResult;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the kernel image (make is not entered at all when the tree, the config and the compiler
 * are those of the last successful build and the image is still there). With a shared build cache,
 * the image of a build with the same inputs on another machine is fetched instead of building.
 */
public final class KernelStep implements Step, Shareable {
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

    @Override
    public Map<String, Path> sharedFiles(StepContext ctx) {
        return Map.of("image", ctx.workspace().image(ctx.project().arch()));
    }

    @Override
    public StepResult restored(StepContext ctx, List<String> summary, String origin) {
        Path image = ctx.workspace().image(ctx.project().arch());
        ctx.put(Keys.IMAGE, image);
        ctx.put(Keys.IMAGE_SHA512, ctx.digests().sha512(image));
        return new SharedResult(name(), summary, origin, List.of(new Artifact("kernel-image", image)));
    }
}
