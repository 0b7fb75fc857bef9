package org.krunpack.pipeline.steps;

import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.BundleResult;
import org.krunpack.bundle.Bundler;
import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;

/** Bundles the kernel image into libkrunfw[-variant].so.VERSION. */
public final class BundleStep implements Step {
    @Override
    public String name() {
        return "bundle";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 1);
        in.upstream(ctx, Keys.IMAGE_SHA512);
        in.value("library", p.libraryFileName() + " " + p.soname() + " " + p.arch().rpmName());
    }

    @Override
    public StepResult run(StepContext ctx) {
        BundleResult r = Bundler.bundle(BundleRequest.of(ctx.project(), ctx.get(Keys.IMAGE), ctx.workspace().root(),
                null, null));
        ctx.put(Keys.LIBRARY, r.library());
        ctx.put(Keys.LIBRARY_SHA512, ctx.digests().sha512(r.library()));
        return r;
    }
}
