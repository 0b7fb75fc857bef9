package org.krunpack.pipeline;

import org.krunpack.core.Artifact;
import org.krunpack.core.ExitCode;
import org.krunpack.core.StepResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a step that threw: a usage error, a failed tool, or (exit 4) a bug.
 *
 * @param step     the step's name
 * @param exitCode the exit code the failure means
 * @param message  what went wrong and what to do
 * @param problems every individual problem (may be empty)
 * @param trace    the stack trace of an unexpected error, else null
 */
public record FailedStep(String step, ExitCode exitCode, String message, List<String> problems, String trace)
        implements StepResult {
    @Override
    public boolean ok() {
        return false;
    }

    @Override
    public List<Artifact> artifacts() {
        return List.of();
    }

    @Override
    public List<String> summary() {
        return List.of(message.split("\n"));
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exitCode", exitCode.code());
        m.put("error", message);
        if (!problems.isEmpty()) {
            m.put("problems", problems);
        }
        if (trace != null) {
            m.put("trace", trace);
        }
        return m;
    }
}
