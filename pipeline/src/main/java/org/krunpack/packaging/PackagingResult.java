package org.krunpack.packaging;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.util.List;
import java.util.Map;

/** What a packaging step (spec, bump, srpm) reports. */
public record PackagingResult(String step, boolean ok, List<Artifact> artifacts, List<String> summary,
                              Map<String, Object> details) implements StepResult {
    public PackagingResult {
        artifacts = List.copyOf(artifacts);
        summary = List.copyOf(summary);
    }
}
