package org.krunpack.patches;

import java.nio.file.Path;
import java.util.List;

/**
 * One parsed patch file of a series.
 *
 * @param name           the file name (e.g. {@code 0003-vsock-dgram.patch})
 * @param file           the patch file
 * @param origin         whether it comes from the libkrunfw release or from our series
 * @param from           the {@code From:} header (author), or null
 * @param subject        the {@code Subject:} header without a {@code [PATCH ...]} prefix, or null
 * @param upstreamStatus the value of the {@code Upstream-Status:} line, or null when there is none
 * @param files          the files it changes, in order
 */
public record Patch(String name, Path file, Origin origin, String from, String subject, String upstreamStatus,
                    List<FilePatch> files) {
    /** Where a patch in the series comes from. */
    public enum Origin { RELEASE, OURS }

    public Patch {
        files = List.copyOf(files);
    }

    /** Number of hunks over all files. */
    public int hunkCount() {
        return files.stream().mapToInt(f -> f.hunks().size()).sum();
    }
}
