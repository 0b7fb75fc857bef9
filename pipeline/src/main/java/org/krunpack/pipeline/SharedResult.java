package org.krunpack.pipeline;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a step whose outputs came from the shared build cache: the summary of the run
 * that produced them, where they came from, and the files now in this workspace.
 */
public record SharedResult(String step, List<String> originalSummary, String origin, List<Artifact> artifacts)
        implements StepResult {
    @Override
    public boolean ok() {
        return true;
    }

    @Override
    public List<String> summary() {
        List<String> s = new ArrayList<>();
        s.add("from the shared build cache " + origin + " (not run here); the run that made it said:");
        originalSummary.forEach(l -> s.add("  " + l));
        return s;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sharedCache", origin);
        m.put("originalSummary", originalSummary);
        return m;
    }
}
