package org.krunpack.archive;

/**
 * Bounds on one extraction: an archive is untrusted until it is extracted and checked, and a few
 * MB of compressed input can claim gigabytes or millions of entries. Each refusal names the limit,
 * the entry and the project-file option that raises it ({@code sources.limits.<name>}).
 *
 * <p>The defaults fit a kernel tarball comfortably: linux 6.12 is about 1.4 GB in ~92k entries, its
 * largest file a few MB, its longest path under 120 characters and 11 components deep.
 *
 * @param totalBytes total bytes of file contents
 * @param entries    number of entries (files, directories, links)
 * @param entryBytes bytes of one file
 * @param pathLength characters of one entry name
 * @param depth      components of one entry name
 */
public record ExtractLimits(long totalBytes, long entries, long entryBytes, int pathLength, int depth) {
    public static final ExtractLimits DEFAULTS = new ExtractLimits(8L << 30, 400_000, 1L << 30, 1024, 48);

    /** The project-file option for a limit, for messages. */
    static String option(String limit) {
        return "sources.limits." + limit;
    }
}
