package org.krunpack.pipeline.steps;

import org.krunpack.core.Sandbox;
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
        in.value("step", 2); // 2: static checks first, the dlopen probe in the sandbox
        in.upstream(ctx, Keys.LIBRARY_SHA512).upstream(ctx, Keys.IMAGE_SHA512);
    }

    @Override
    public StepResult run(StepContext ctx) {
        // Our own fresh build: in the sandbox when this host has one, else a separate process.
        return LibraryVerifier.verify(ctx.get(Keys.LIBRARY), ctx.get(Keys.IMAGE), Sandbox.forInputs(true));
    }
}
