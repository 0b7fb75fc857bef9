package org.krunpack.smoke;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one smoke backend ("smoke" for QEMU, "smoke-libkrun" for libkrun).
 *
 * @param step      the step name
 * @param ok        true when the guest reached its markers and every claimed feature was present
 *                  (a skipped backend is ok)
 * @param skipped   the reason a backend did not run, or null
 * @param failures  one line per failed check
 * @param summary   text report lines
 * @param details   JSON report (accelerator, timing, kernel, features, console tail, ...)
 * @param artifacts files written (console log, ELF, root image)
 * @param run       the VM run, or null when nothing booted
 */
public record SmokeResult(String step, boolean ok, String skipped, List<String> failures, List<String> summary,
                          Map<String, Object> details, List<Artifact> artifacts, VmRun run)
        implements StepResult {
    public SmokeResult {
        failures = List.copyOf(failures);
        summary = List.copyOf(summary);
        artifacts = List.copyOf(artifacts);
    }

    static SmokeResult skipped(String step, String reason) {
        return new SmokeResult(step, true, reason, List.of(), List.of("skipped: " + reason),
                Map.of("skipped", reason), List.of(), null);
    }
}
