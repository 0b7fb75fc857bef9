package org.krunpack.patches;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The ordered patch series: a libkrunfw release's patches (in the order given, normally
 * {@link #releasePatchFiles} sorted by name) with the maintainer's decisions applied (a patch
 * excluded, replaced by a refreshed file, or allowed some fuzz), then the patches our series file
 * lists.
 *
 * @param patches    the parsed patches, in the order they apply (a replacement stands where the
 *                   patch it replaces stood, under that patch's name)
 * @param seriesFile our series file, or null
 * @param decisions  the decisions, by release patch name (excluded patches included)
 * @param fuzz       the fuzz allowed for every patch without a fuzz decision
 */
public record PatchSeries(List<Patch> patches, Path seriesFile, Map<String, Decision> decisions, int fuzz) {
    /** The largest patch file read: far above any real one (the biggest kernel patches are a few MiB). */
    static final long PATCH_LIMIT = 64L << 20;

    public PatchSeries {
        patches = List.copyOf(patches);
        decisions = Map.copyOf(decisions);
    }

    public PatchSeries(List<Patch> patches, Path seriesFile) {
        this(patches, seriesFile, Map.of(), 0);
    }

    /** The fuzz allowed for one patch of the series. */
    public int fuzzFor(Patch p) {
        Decision d = decisions.get(p.name());
        return d != null && d.action().equals("fuzz") ? d.fuzz() : fuzz;
    }

    /** The decision about a patch, or null. */
    public Decision decisionFor(Patch p) {
        return decisions.get(p.name());
    }

    /** The excluded release patches, in name order. */
    public List<Decision> excluded() {
        return decisions.values().stream().filter(d -> d.action().equals("exclude"))
                .sorted(java.util.Comparator.comparing(Decision::patch)).toList();
    }

    /**
     * A digest of everything that decides the patched tree: each patch's name and content, its
     * fuzz, and the excluded patches.
     */
    public String digest() {
        StringBuilder sb = new StringBuilder("krunpack series v2\n");
        for (Patch p : patches) {
            sb.append(p.name()).append(' ').append(org.krunpack.core.Digests.sha512(p.file())).append(" fuzz ")
                    .append(fuzzFor(p)).append('\n');
        }
        for (Decision d : excluded()) {
            sb.append("excluded ").append(d.patch()).append('\n');
        }
        return org.krunpack.core.Digests.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** One maintainer decision as the project file states it (kept free of the project package). */
    public record Wanted(String where, String patch, String action, Path replacement, String sha512, int fuzz,
                         String reason) {
    }

    /**
     * The series for a release with the maintainer's decisions, then our series: every problem (a
     * decision for a patch the release does not have, a replacement that is missing or has another
     * digest, a malformed patch, one of ours without Upstream-Status) at once, exit 2.
     *
     * @param releasePatches the release's patches, in order
     * @param wanted         the decisions, in project-file order
     * @param seriesFile     our series file, or null
     * @param fuzz           the fuzz for patches without a fuzz decision
     * @param subject        the project file, for messages
     */
    public static PatchSeries plan(List<Path> releasePatches, List<Wanted> wanted, Path seriesFile, int fuzz,
                                   String subject) {
        Problems problems = new Problems(subject);
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path p : releasePatches) {
            byName.put(p.getFileName().toString(), p);
        }
        Map<String, Decision> decisions = new LinkedHashMap<>();
        Map<String, Path> replacements = new HashMap<>();
        for (Wanted w : wanted) {
            Path original = byName.get(w.patch());
            if (original == null) {
                String near = nearest(w.patch(), byName.keySet());
                problems.add(w.where() + ".patch", "the release has no patch " + w.patch()
                        + (near != null ? " (did you mean " + near + "?)" : " (its patches: "
                        + String.join(", ", byName.keySet()) + ")"));
                continue;
            }
            if (w.action().equals("replace")) {
                if (w.replacement() == null || !Files.isRegularFile(w.replacement())) {
                    problems.add(w.where() + ".replace", (w.replacement() == null ? "the replacement"
                            : w.replacement().toString()) + " does not exist; name the refreshed patch file");
                    continue;
                }
                if (w.sha512() != null) {
                    String actual = org.krunpack.core.Digests.sha512(w.replacement());
                    if (!actual.equals(w.sha512())) {
                        problems.add(w.where() + ".sha512", w.replacement() + " has SHA-512 " + actual
                                + ", not the one pinned; is it the reviewed file?");
                        continue;
                    }
                }
                replacements.put(w.patch(), w.replacement());
            }
            decisions.put(w.patch(), new Decision(w.patch(), w.action(), w.reason(), w.fuzz(), original,
                    w.replacement()));
        }
        List<Patch> patches = new ArrayList<>();
        for (var e : byName.entrySet()) {
            Decision d = decisions.get(e.getKey());
            if (d != null && d.action().equals("exclude")) {
                continue;
            }
            Path file = replacements.getOrDefault(e.getKey(), e.getValue());
            Patch parsed = parse(file, Patch.Origin.RELEASE, problems);
            if (parsed != null) {
                patches.add(file.equals(e.getValue()) ? parsed : new Patch(e.getKey(), file, Patch.Origin.RELEASE,
                        parsed.from(), parsed.subject(), parsed.upstreamStatus(), parsed.files()));
            }
        }
        if (seriesFile != null) {
            int before = patches.size();
            for (Path p : readSeries(seriesFile, problems)) {
                Patch parsed = parse(p, Patch.Origin.OURS, problems);
                if (parsed != null) {
                    patches.add(parsed);
                }
            }
            problems.addAll(upstreamStatusProblems(patches.subList(before, patches.size())));
        }
        problems.throwIfAny();
        return new PatchSeries(patches, seriesFile, decisions, fuzz);
    }

    private static Patch parse(Path file, Patch.Origin origin, Problems problems) {
        List<Patch> one = new ArrayList<>();
        parseInto(file, origin, one, problems);
        return one.isEmpty() ? null : one.get(0);
    }

    private static String nearest(String name, java.util.Collection<String> names) {
        String prefix = name.length() >= 4 ? name.substring(0, 4) : name;
        for (String n : names) {
            if (n.startsWith(prefix)) {
                return n;
            }
        }
        return null;
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
            lines = org.krunpack.core.Inputs.readText(seriesFile, org.krunpack.core.Inputs.TEXT_LIMIT, "patch series")
                    .lines().toList();
        } catch (KrunpackException e) {
            problems.add(seriesFile.toString(), e.getMessage());
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
            text = org.krunpack.core.Inputs.readText(file, PATCH_LIMIT, "patch");
        } catch (KrunpackException e) {
            problems.add(file.toString(), e.getMessage());
            return;
        }
        try {
            out.add(PatchParser.parse(file, origin, text));
        } catch (KrunpackException e) {
            problems.addAll(List.of(e.getMessage()));
        }
    }
}
