package org.krunpack.pipeline.steps;

import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.verify.LibraryVerifier;

/** Checks the library against the bundle contract and the image it was made from. */
public final class VerifyStep implements Step {
    @Override
    public String name() {
        return "verify-lib";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        in.value("step", 1);
        in.upstream(ctx, Keys.LIBRARY_SHA512).upstream(ctx, Keys.IMAGE_SHA512);
    }

    @Override
    public StepResult run(StepContext ctx) {
        return LibraryVerifier.verify(ctx.get(Keys.LIBRARY), ctx.get(Keys.IMAGE));
    }
}
