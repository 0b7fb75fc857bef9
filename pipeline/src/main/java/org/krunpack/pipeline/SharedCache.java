package org.krunpack.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where step outputs are shared between machines, addressed by step name and input digest. A
 * failure to reach it is never a failure of the run: {@link #fetch} says why it found nothing and
 * the step runs; {@link #publish} says why it could not deploy.
 */
public interface SharedCache {
    /** What {@link #fetch} found: the summary lines of the run that produced the files, or why not. */
    record Fetched(boolean found, List<String> summary, String why) {
        public static Fetched missing(String why) {
            return new Fetched(false, List.of(), why);
        }
    }

    /**
     * Puts the files of the step's run with these inputs in place (each written atomically at its
     * path), or leaves every path as it was and says why not.
     */
    Fetched fetch(String step, String digest, Map<String, Path> files);

    /** Deploys a successful run's files and summary; returns null, or why they could not be deployed. */
    String publish(String step, String digest, Map<String, Path> files, List<String> summary);

    /** The repository, for reports (never with credentials). */
    String describe();
}
