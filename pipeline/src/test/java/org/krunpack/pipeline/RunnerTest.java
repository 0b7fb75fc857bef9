package org.krunpack.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the runner runs again after each kind of change, and what a failure reports. */
class RunnerTest {
    @Test
    void aChangeRerunsExactlyTheStepsDownstreamOfIt(@TempDir Path dir) throws Exception {
        Project p = StepHarness.project(dir, "");
        Path out = dir.resolve("out");
        List<StepHarness.FileStep> steps = StepHarness.chain(dir);

        assertThat(StepHarness.run(p, out, steps, null, new ArrayList<>()).ran()).containsExactly("a", "b", "c");
        RunReport noop = StepHarness.run(p, out, steps, null, new ArrayList<>());
        assertThat(noop.ran()).isEmpty();
        assertThat(noop.steps()).extracting(StepOutcome::status).containsOnly(StepOutcome.Status.CACHED);

        // b's setting changes: b runs, and c because b's value changed; a does not.
        Files.writeString(dir.resolve("b.setting"), "b2");
        RunReport r = StepHarness.run(p, out, steps, null, new ArrayList<>());
        assertThat(r.ran()).containsExactly("b", "c");
        assertThat(r.steps().get(1).why()).isEqualTo("changed: setting");
        assertThat(r.steps().get(2).why()).isEqualTo("changed: <b-value>");

        // c's output is removed behind the runner's back: only c runs again.
        Files.delete(out.resolve("c.txt"));
        RunReport gone = StepHarness.run(p, out, steps, null, new ArrayList<>());
        assertThat(gone.ran()).containsExactly("c");
        assertThat(gone.steps().get(2).why()).contains("c.txt is gone");

        // a's output edited: the recorded digest no longer matches, a runs; its value is unchanged,
        // so b and c stay cached (the cache is content-addressed, not time-stamped).
        Files.writeString(out.resolve("a.txt"), "tampered");
        RunReport edited = StepHarness.run(p, out, steps, null, new ArrayList<>());
        assertThat(edited.ran()).containsExactly("a");
        assertThat(edited.steps().get(0).why()).contains("a.txt was changed");
        assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("a1+");
    }

    @Test
    void aFailureInAnyStepReportsEveryEarlierStepAndTheLaterOnesAsNotRun(@TempDir Path dir) throws Exception {
        Project p = StepHarness.project(dir, "");
        for (int failing = 0; failing < 3; failing++) {
            List<StepHarness.FileStep> steps = StepHarness.chain(dir);
            steps.get(failing).failure = failing == 1
                    ? ctx -> StepHarness.throwing(KrunpackException.external("make exited 2"))
                    : ctx -> StepHarness.result("x", false, List.of("a check failed"), List.of());
            RunReport r = StepHarness.run(p, dir.resolve("out" + failing), steps, null, new ArrayList<>());
            assertThat(r.steps()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                StepOutcome.Status expected = i < failing ? StepOutcome.Status.RAN
                        : i == failing ? StepOutcome.Status.FAILED : StepOutcome.Status.NOT_RUN;
                assertThat(r.steps().get(i).status()).as("step %d when step %d fails", i, failing).isEqualTo(expected);
            }
            assertThat(r.exitCode()).isEqualTo(failing == 1 ? ExitCode.EXTERNAL : ExitCode.CHECK_FAILED);
            // A failed step leaves no record claiming success: the next run runs it again.
            steps.get(failing).failure = null;
            assertThat(StepHarness.run(p, dir.resolve("out" + failing), steps, null, new ArrayList<>()).ran().get(0))
                    .isEqualTo(steps.get(failing).name());
        }
    }

    @Test
    void anUnexpectedExceptionBecomesExitFourWithTheTraceKept(@TempDir Path dir) throws Exception {
        Project p = StepHarness.project(dir, "");
        List<StepHarness.FileStep> steps = StepHarness.chain(dir);
        steps.get(0).failure = ctx -> {
            throw new IllegalStateException("boom");
        };
        RunReport r = StepHarness.run(p, dir.resolve("out"), steps, null, new ArrayList<>());
        assertThat(r.exitCode()).isEqualTo(ExitCode.UNEXPECTED);
        FailedStep f = (FailedStep) r.steps().get(0).result();
        assertThat(String.join("\n", f.summary())).contains("boom").contains("please report");
    }
}
