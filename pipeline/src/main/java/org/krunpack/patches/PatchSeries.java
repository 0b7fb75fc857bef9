package org.krunpack.patches;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The ordered patch series: a libkrunfw release's patches (in the order given, normally
 * {@link #releasePatchFiles} sorted by name), then the patches our series file lists.
 *
 * @param patches    the parsed patches, in the order they apply
 * @param seriesFile our series file, or null
 */
public record PatchSeries(List<Patch> patches, Path seriesFile) {
    public PatchSeries {
        patches = List.copyOf(patches);
    }

    /** A release's {@code patches/0*.patch}, sorted by file name (the order upstream applies them). */
    public static List<Path> releasePatchFiles(Path patchesDir) {
        if (!Files.isDirectory(patchesDir)) {
            throw KrunpackException.usage(patchesDir + ": the release has no patches directory");
        }
        try (Stream<Path> s = Files.list(patchesDir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("0") && n.endsWith(".patch") && Files.isRegularFile(p);
            }).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw KrunpackException.usage("cannot list " + patchesDir + ": " + e.getMessage());
        }
    }

    /**
     * Reads and parses the whole series. Every problem (an unreadable or malformed patch, a series
     * line naming a missing file, one of our patches without a valid {@code Upstream-Status:}) is
     * collected, then reported at once as a usage error (exit 2).
     *
     * @param releasePatches the release's patches, in order (exempt from the Upstream-Status check)
     * @param seriesFile     our series file, or null for none
     */
    public static PatchSeries load(List<Path> releasePatches, Path seriesFile) {
        Problems problems = new Problems("patch series");
        List<Patch> patches = new ArrayList<>();
        for (Path p : releasePatches) {
            parseInto(p, Patch.Origin.RELEASE, patches, problems);
        }
        if (seriesFile != null) {
            List<Path> ours = readSeries(seriesFile, problems);
            int before = patches.size();
            for (Path p : ours) {
                parseInto(p, Patch.Origin.OURS, patches, problems);
            }
            problems.addAll(upstreamStatusProblems(patches.subList(before, patches.size())));
        }
        problems.throwIfAny();
        return new PatchSeries(patches, seriesFile);
    }

    /** Problems with the {@code Upstream-Status:} of our patches (release patches are exempt). */
    public static List<String> upstreamStatusProblems(List<Patch> patches) {
        List<String> out = new ArrayList<>();
        for (Patch p : patches) {
            if (p.origin() == Patch.Origin.OURS) {
                UpstreamStatus.problem(p.upstreamStatus()).ifPresent(msg -> out.add(p.file() + ": " + msg));
            }
        }
        return out;
    }

    /** Patch files named by a series file: one per line, relative to its directory; '#' starts a comment. */
    static List<Path> readSeries(Path seriesFile, Problems problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(seriesFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(seriesFile.toString(), "cannot read the series file: " + e.getMessage());
            return List.of();
        }
        Path dir = seriesFile.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int hash = l.indexOf('#');
            String entry = (hash >= 0 ? l.substring(0, hash) : l).strip();
            String where = seriesFile + ":" + (i + 1);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.chars().anyMatch(Character::isWhitespace)) {
                problems.add(where, "'" + entry + "': one patch file name per line, without options"
                        + " (every patch applies with -p1)");
                continue;
            }
            if (!seen.add(entry)) {
                problems.add(where, entry + " is listed twice; remove one line");
                continue;
            }
            Path p = dir.resolve(entry).normalize();
            if (!Files.isRegularFile(p)) {
                problems.add(where, entry + " does not exist (looked for " + p + "); fix the name or add the file");
                continue;
            }
            out.add(p);
        }
        return out;
    }

    private static void parseInto(Path file, Patch.Origin origin, List<Patch> out, Problems problems) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (IOException e) {
            problems.add(file.toString(), "cannot read the patch: " + e.getMessage());
            return;
        }
        try {
            out.add(PatchParser.parse(file, origin, text));
        } catch (KrunpackException e) {
            problems.addAll(List.of(e.getMessage()));
        }
    }
}
