package org.krunpack.core;

import java.util.List;
import java.util.Map;

/**
 * What one pipeline step reports: whether it passed, the artifacts it wrote, a short text summary
 * for humans and structured details for {@code --format json}.
 */
public interface StepResult {
    /** The step's name, e.g. "sources", "patches", "config". */
    String step();

    /** True when every check of this step passed. */
    boolean ok();

    /** Files written by this step. */
    List<Artifact> artifacts();

    /** Lines for the text report. */
    List<String> summary();

    /** Structured details for the JSON report (must be Jackson-serialisable). */
    Map<String, Object> details();
}
