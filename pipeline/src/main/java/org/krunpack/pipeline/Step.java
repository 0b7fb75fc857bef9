package org.krunpack.pipeline;

import org.krunpack.core.StepResult;

/**
 * One stage of a command: a name, the inputs its outputs depend on, and {@code run}. The
 * {@link Runner} executes an ordered list of steps; a step whose inputs are those of its last
 * successful run (same digest) is skipped and its recorded result and values are reused, after
 * checking that its artifacts are still there, unchanged.
 *
 * <p>Adding a step is adding a class and a line in {@link Commands}.
 */
public interface Step {
    /** The step's name in reports and records, e.g. "patches". */
    String name();

    /**
     * Declares everything the step's outputs depend on: settings, input files (by content), and
     * the values of earlier steps it reads. The runner digests them; {@link Inputs#uncacheable}
     * makes the step run every time.
     */
    void inputs(StepContext ctx, Inputs in);

    /**
     * Does the work. A check that fails is a result with {@code ok() == false}; a usage error or a
     * failed tool is a {@link org.krunpack.core.KrunpackException} (the runner turns it into a
     * failed result). Values later steps need are put with {@link StepContext#put}.
     */
    StepResult run(StepContext ctx);
}
