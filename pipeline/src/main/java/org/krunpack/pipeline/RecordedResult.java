package org.krunpack.pipeline;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The result of a skipped step, as its last successful run recorded it. */
record RecordedResult(StepRecord record) implements StepResult {
    @Override
    public String step() {
        return record.step();
    }

    @Override
    public boolean ok() {
        return true;
    }

    @Override
    public List<Artifact> artifacts() {
        return record.artifacts().stream().map(a -> new Artifact(a.role(), Path.of(a.path()))).toList();
    }

    @Override
    public List<String> summary() {
        return record.summary();
    }

    @Override
    public Map<String, Object> details() {
        return record.details();
    }
}
