package org.krunpack.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.krunpack.core.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the runner keeps of a step's last successful run: its input digest and components, its
 * result (summary, details, artifacts with digests) and the values it put. JSON in
 * {@code out/.krunpack/steps/<step>.json}.
 */
public record StepRecord(int format, String step, String inputDigest, Map<String, String> inputs, List<String> summary,
                         Map<String, Object> details, List<RecordedArtifact> artifacts, Map<String, String> values,
                         String finishedAt, long millis) {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** An artifact: its role, path and (for a regular file) SHA-512. */
    public record RecordedArtifact(String role, String path, String sha512) {
    }

    static StepRecord read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            StepRecord r = JSON.readValue(file.toFile(), StepRecord.class);
            return r.format() == FORMAT ? r : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void write(Path file) {
        try {
            AtomicFiles.writeBytes(file, JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the record of step " + step, e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale record is checked against its inputs anyway
        }
    }
}
