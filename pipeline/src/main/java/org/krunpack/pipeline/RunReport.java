package org.krunpack.pipeline;

import org.krunpack.core.ExitCode;
import org.krunpack.core.StepResult;

import java.util.List;

/**
 * Every step of a run, in order, with how it ended; the run's exit code is the failed step's (1 for
 * a failed check, 2 usage, 3 external, 4 unexpected), 0 when all passed.
 */
public record RunReport(List<StepOutcome> steps, ExitCode exitCode) {
    /** The results of the steps that ran or were cached or failed (not those never reached). */
    public List<StepResult> results() {
        return steps.stream().filter(s -> s.result() != null).map(StepOutcome::result).toList();
    }

    /** The names of the steps that ran (not cached). */
    public List<String> ran() {
        return steps.stream().filter(s -> s.status() == StepOutcome.Status.RAN
                || s.status() == StepOutcome.Status.FAILED).map(StepOutcome::step).toList();
    }

    public boolean ok() {
        return exitCode == ExitCode.OK;
    }
}
