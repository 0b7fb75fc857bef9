package org.krunpack.pipeline;

import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A step whose outputs are worth sharing between machines through the shared build cache
 * ({@code cache.repository}): the kernel build and what decides it. Its input digest must not
 * depend on where things are on this machine (content digests, settings and the compiler's
 * identity only), so that another machine with the same inputs computes the same digest.
 */
public interface Shareable {
    /**
     * The files another machine needs instead of running the step, by role (a short lower-case
     * word), each at the place in this workspace where the step writes it. May be empty: the
     * step's verdict alone is shared then.
     */
    Map<String, Path> sharedFiles(StepContext ctx);

    /**
     * Called instead of {@link Step#run} when the shared cache held the outputs: the files of
     * {@link #sharedFiles} are in place; put the values later steps read and return the result
     * to report.
     *
     * @param summary the summary lines of the run that produced the outputs
     * @param origin  where they came from (the repository), for the report
     */
    StepResult restored(StepContext ctx, List<String> summary, String origin);
}
