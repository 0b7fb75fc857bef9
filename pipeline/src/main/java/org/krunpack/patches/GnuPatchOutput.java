package org.krunpack.patches;

import org.krunpack.patches.PatchReport.FileResult;
import org.krunpack.patches.PatchReport.HunkResult;
import org.krunpack.patches.PatchReport.PatchResult;
import org.krunpack.patches.PatchReport.Status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what GNU patch (run with {@code LC_ALL=C}) said about a series (one run over the
 * concatenated patches) and turns it into a result per patch, file and hunk, matched in order to
 * our parse of the patches. Line numbers are patch's own: for an
 * applied hunk the line in the patched file, for a failed one where it looked.
 */
final class GnuPatchOutput {
    private static final Pattern PATCHING = Pattern.compile(
            "^patching (?:file|symbolic link) (.+?)(?: \\((?:already )?(?:renamed|copied|read) from .+\\))?$");
    private static final Pattern SUCCEEDED = Pattern.compile(
            "^Hunk #(\\d+) succeeded at (\\d+)(?: with fuzz (\\d+))?(?: \\(offset (-?\\d+) lines?\\))?\\.$");
    private static final Pattern FAILED = Pattern.compile("^Hunk #(\\d+) FAILED at (\\d+)(.*)\\.$");
    private static final Pattern OTHER_HUNK = Pattern.compile("^Hunk #(\\d+) (.*)$");
    private static final Pattern CANT_FIND = Pattern.compile("^can't find file to patch at input line (\\d+)");
    private static final Pattern WOULD = Pattern.compile("^The next patch would (create|delete|empty out) the file (.+),$");
    private static final Pattern NOT_DELETING = Pattern.compile(
            "^(?:Not deleting file (.+) as content differs from patch|File (.+) is not empty after patch; not deleting)$");
    private static final Pattern AT_LINE = Pattern.compile("at line (\\d+)");
    private static final Pattern IGNORED = Pattern.compile("^\\d+ out of \\d+ hunks? ignored");

    private GnuPatchOutput() {
    }

    /** Mutable state of one file section while reading the output. */
    private static final class FileState {
        boolean seen;
        String message;
        final Map<Integer, HunkResult> hunks = new LinkedHashMap<>();
    }

    /**
     * Interprets one run of GNU patch over the concatenation of {@code patches}.
     *
     * @param firstLines the line in the concatenated input where each patch starts (1-based)
     */
    static List<PatchResult> interpret(List<Patch> patches, List<Integer> firstLines, int exitCode, String output) {
        List<FilePatch> sections = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<Integer> inputLines = new ArrayList<>();
        for (int p = 0; p < patches.size(); p++) {
            for (FilePatch f : patches.get(p).files()) {
                sections.add(f);
                owner.add(p);
                inputLines.add(firstLines.get(p) + f.line() - 1);
            }
        }
        List<FileState> states = new ArrayList<>();
        for (int i = 0; i < sections.size(); i++) {
            states.add(new FileState());
        }
        List<List<String>> messages = new ArrayList<>();
        for (int p = 0; p < patches.size(); p++) {
            messages.add(new ArrayList<>());
        }
        int next = 0;
        int current = -1;
        for (String line : output.split("\n")) {
            Matcher m;
            if ((m = PATCHING.matcher(line)).matches()) {
                current = byName(sections, m.group(1), next);
                next = current + 1;
                states.get(current).seen = true;
            } else if ((m = SUCCEEDED.matcher(line)).matches() && current >= 0) {
                int n = Integer.parseInt(m.group(1));
                int fuzz = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
                int offset = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
                Status s = fuzz > 0 ? Status.FUZZ : offset != 0 ? Status.OFFSET : Status.CLEAN;
                put(sections.get(current), states.get(current), n, s, Integer.parseInt(m.group(2)), offset, fuzz, null);
            } else if ((m = FAILED.matcher(line)).matches() && current >= 0) {
                String extra = m.group(3).strip();
                put(sections.get(current), states.get(current), Integer.parseInt(m.group(1)), Status.FAILED,
                        Integer.parseInt(m.group(2)), 0, 0,
                        extra.isEmpty() ? "context does not match" : extra.replaceAll("^\\((.*)\\)$", "$1"));
            } else if ((m = OTHER_HUNK.matcher(line)).matches() && current >= 0) {
                put(sections.get(current), states.get(current), Integer.parseInt(m.group(1)), Status.FAILED,
                        null, 0, 0, m.group(2));
            } else if ((m = CANT_FIND.matcher(line)).matches()) {
                current = byLine(inputLines, Integer.parseInt(m.group(1)), next);
                next = current + 1;
                states.get(current).seen = true;
                states.get(current).message = "file to patch not found in the tree";
            } else if ((m = WOULD.matcher(line)).matches()) {
                current = byName(sections, m.group(2), next);
                next = current + 1;
                states.get(current).seen = true;
                states.get(current).message = switch (m.group(1)) {
                    case "create" -> "would create the file, but it already exists";
                    case "delete" -> "would delete the file, but it does not exist";
                    default -> "would empty out the file, but it is already empty";
                };
            } else if (line.startsWith("Reversed (or previously applied) patch detected!") && current >= 0) {
                states.get(current).message = "reversed or already applied";
            } else if ((m = NOT_DELETING.matcher(line)).matches() && current >= 0) {
                states.get(current).message = "not deleted: its content differs from the patch";
            } else if (IGNORED.matcher(line).find() && current >= 0 && states.get(current).message == null) {
                states.get(current).message = "skipped by patch";
            } else if (line.startsWith("patch: ") || line.startsWith("Only garbage was found")) {
                // a fatal error: blame the patch holding the input line it names, else the one read next
                Matcher at = AT_LINE.matcher(line);
                int section = at.find() ? byLine(inputLines, Integer.parseInt(at.group(1)), next)
                        : Math.min(Math.max(next, current), sections.size() - 1);
                int p = section >= 0 ? owner.get(section) : 0;
                if (!patches.isEmpty()) {
                    messages.get(p).add("GNU patch: " + line.replaceFirst("^patch: \\*+ ", ""));
                }
            }
        }
        List<PatchResult> results = new ArrayList<>();
        int s = 0;
        boolean anyFailed = false;
        for (int p = 0; p < patches.size(); p++) {
            Patch patch = patches.get(p);
            List<FileResult> files = new ArrayList<>();
            Status worst = messages.get(p).isEmpty() ? Status.CLEAN : Status.FAILED;
            for (FilePatch f : patch.files()) {
                FileResult r = fileResult(f, states.get(s++), exitCode);
                files.add(r);
                worst = worst.worst(r.status());
            }
            if (p == patches.size() - 1 && exitCode != 0 && !anyFailed && worst != Status.FAILED) {
                worst = Status.FAILED;
                messages.get(p).add("GNU patch exited " + exitCode + " but named no failing hunk:"
                        + org.krunpack.core.Tools.tail("\n", output, 10));
            }
            anyFailed |= worst == Status.FAILED;
            results.add(new PatchResult(patch.name(), patch.file(), patch.origin(), patch.subject(),
                    patch.upstreamStatus(), worst, messages.get(p), files));
        }
        return results;
    }

    private static FileResult fileResult(FilePatch f, FileState st, int exitCode) {
        String message = st.message;
        if (!st.seen && exitCode != 0) {
            message = "not reached: GNU patch stopped before this file";
        }
        List<HunkResult> hunks = new ArrayList<>();
        Status fileStatus = message != null ? Status.FAILED : Status.CLEAN;
        for (int h = 1; h <= f.hunks().size(); h++) {
            HunkResult r = st.hunks.get(h);
            if (r == null) {
                Hunk hk = f.hunks().get(h - 1);
                r = message != null
                        ? new HunkResult(h, hk.header(), Status.FAILED, hk.oldStart(), null, 0, 0, "not applied")
                        : new HunkResult(h, hk.header(), Status.CLEAN, hk.oldStart(), hk.newStart(), 0, 0, null);
            }
            hunks.add(r);
            fileStatus = fileStatus.worst(r.status());
        }
        return new FileResult(f.path(), f.kind(), fileStatus, message, hunks);
    }

    private static void put(FilePatch f, FileState st, int n, Status s, Integer at, int offset, int fuzz,
                            String message) {
        String header = n >= 1 && n <= f.hunks().size() ? f.hunks().get(n - 1).header() : "?";
        int expected = n >= 1 && n <= f.hunks().size() ? f.hunks().get(n - 1).oldStart() : 0;
        st.hunks.put(n, new HunkResult(n, header, s, expected, at, offset, fuzz, message));
    }

    /** The first section at or after {@code from} with this old or new name; else {@code from}. */
    private static int byName(List<FilePatch> sections, String name, int from) {
        for (int i = Math.max(0, from); i < sections.size(); i++) {
            if (name.equals(sections.get(i).newPath()) || name.equals(sections.get(i).oldPath())) {
                return i;
            }
        }
        return Math.min(Math.max(0, from), sections.size() - 1);
    }

    /** The last section starting at or before input line {@code line}. */
    private static int byLine(List<Integer> inputLines, int line, int from) {
        int found = Math.min(Math.max(0, from), inputLines.size() - 1);
        for (int i = 0; i < inputLines.size(); i++) {
            if (inputLines.get(i) <= line) {
                found = i;
            }
        }
        return found;
    }
}
