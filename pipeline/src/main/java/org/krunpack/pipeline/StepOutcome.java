package org.krunpack.pipeline;

import org.krunpack.core.StepResult;

/**
 * How one step of a run ended.
 *
 * @param step   the step's name
 * @param status ran (and passed), cached (skipped: inputs unchanged), shared (its outputs came from
 *               the shared build cache), failed, or not-run (an earlier step failed)
 * @param result the step's result (a recorded one when cached; null when not run)
 * @param millis time spent (0 when cached or not run)
 * @param why    for a step that ran: which inputs changed since the last successful run, or why
 *               it could not be skipped
 */
public record StepOutcome(String step, Status status, StepResult result, long millis, String why) {
    /** The five ways a step ends. */
    public enum Status {
        RAN("ran"), CACHED("cached"), SHARED("shared"), FAILED("failed"), NOT_RUN("not-run");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
