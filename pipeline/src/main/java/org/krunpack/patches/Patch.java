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

    private static final java.util.regex.Pattern NEW_CONFIG =
            java.util.regex.Pattern.compile("^\\+\\s*(?:menu)?config\\s+([A-Za-z0-9_]+)\\s*$");

    /** The Kconfig symbols this patch adds ({@code +config X} lines in Kconfig files), in order. */
    public List<String> addedKconfigSymbols() {
        List<String> out = new java.util.ArrayList<>();
        for (FilePatch f : files) {
            String path = f.path();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!name.startsWith("Kconfig")) {
                continue;
            }
            for (Hunk h : f.hunks()) {
                for (String l : h.lines()) {
                    java.util.regex.Matcher m = NEW_CONFIG.matcher(l);
                    if (m.matches() && !out.contains(m.group(1))) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    /** The C files this patch changes or adds (relative paths), for compiling them first. */
    public List<String> cFiles() {
        return files.stream().filter(f -> f.kind() != FilePatch.Kind.DELETE).map(FilePatch::path)
                .filter(p -> p.endsWith(".c")).distinct().toList();
    }

    /** Number of hunks over all files. */
    public int hunkCount() {
        return files.stream().mapToInt(f -> f.hunks().size()).sum();
    }
}
