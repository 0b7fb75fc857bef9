package org.krunpack.patches;

import org.krunpack.core.Artifact;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What applying a series did: a result per patch, per file and per hunk, and whether the tree was
 * changed (only when every patch applied).
 *
 * @param tree      the kernel tree
 * @param fuzz      the maximum fuzz allowed
 * @param applied   true when the tree was changed (every patch applied); false leaves it as it was
 * @param patches   a result per patch, in series order
 * @param written   files written into the tree (relative paths), sorted
 * @param deleted   files removed from the tree, sorted
 * @param millis    wall time of the check and install
 * @param artifacts the report files
 * @param excluded  release patches left out by decision
 * @param rejects   the directory holding the failed hunks (one .rej per failing patch), or null
 */
public record PatchReport(Path tree, int fuzz, boolean applied, List<PatchResult> patches, List<String> written,
                          List<String> deleted, long millis, List<Artifact> artifacts, List<Decision> excluded,
                          Path rejects) implements StepResult {

    /** How well a hunk, file or patch applied; later constants are worse. */
    public enum Status {
        CLEAN, OFFSET, FUZZ, FAILED;

        Status worst(Status other) {
            return other.ordinal() > ordinal() ? other : this;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The label in the text report: failures in capitals, so they stand out. */
        String textLabel() {
            return this == FAILED ? name() : label();
        }
    }

    /**
     * @param number       1-based hunk number within its file
     * @param header       the {@code @@} line
     * @param status       how it applied
     * @param expectedLine the line the patch expects ({@code -start} of the header)
     * @param appliedLine  the line where it applied (or where patch looked, for a failure); null when not tried
     * @param offset       appliedLine - expectedLine when it applied elsewhere, else 0
     * @param fuzz         context lines ignored to make it apply
     * @param message      why it failed, or null
     */
    public record HunkResult(int number, String header, Status status, int expectedLine, Integer appliedLine,
                             int offset, int fuzz, String message) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hunk", number);
            m.put("header", header);
            m.put("status", status.label());
            m.put("expectedLine", expectedLine);
            m.put("appliedLine", appliedLine);
            m.put("offset", offset);
            m.put("fuzz", fuzz);
            m.put("message", message);
            return m;
        }

        String describe() {
            return switch (status) {
                case CLEAN -> "clean at line " + appliedLine;
                case OFFSET -> "applied at line " + appliedLine + " (offset " + signed(offset) + ")";
                case FUZZ -> "applied at line " + appliedLine + " with fuzz " + fuzz
                        + (offset != 0 ? " (offset " + signed(offset) + ")" : "");
                case FAILED -> "FAILED" + (appliedLine != null ? " at line " + appliedLine : "")
                        + (message != null ? ": " + message : "");
            };
        }

        private static String signed(int n) {
            return (n > 0 ? "+" : "") + n;
        }
    }

    /**
     * @param path    the file (its new name)
     * @param kind    what the patch does to it
     * @param status  the worst of its hunks, or FAILED when the file could not be patched at all
     * @param message why the file failed as a whole (missing, already exists, reversed), or null
     * @param hunks   a result per hunk
     */
    public record FileResult(String path, FilePatch.Kind kind, Status status, String message,
                             List<HunkResult> hunks) {
        public FileResult {
            hunks = List.copyOf(hunks);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
            m.put("status", status.label());
            m.put("message", message);
            m.put("hunks", hunks.stream().map(HunkResult::toMap).toList());
            return m;
        }
    }

    /**
     * @param name           patch file name
     * @param file           patch file
     * @param origin         release or ours
     * @param subject        its subject, or null
     * @param upstreamStatus its Upstream-Status, or null
     * @param status         the worst over its files
     * @param messages       patch-level messages (e.g. GNU patch's own errors)
     * @param files          a result per file
     */
    public record PatchResult(String name, Path file, Patch.Origin origin, String subject, String upstreamStatus,
                              Status status, List<String> messages, List<FileResult> files, Decision decision,
                              int fuzz) {
        public PatchResult {
            messages = List.copyOf(messages);
            files = List.copyOf(files);
        }

        PatchResult(String name, Path file, Patch.Origin origin, String subject, String upstreamStatus,
                    Status status, List<String> messages, List<FileResult> files) {
            this(name, file, origin, subject, upstreamStatus, status, messages, files, null, 0);
        }

        PatchResult withDecision(Decision d, int allowedFuzz) {
            return new PatchResult(name, file, origin, subject, upstreamStatus, status, messages, files, d, allowedFuzz);
        }

        public boolean ok() {
            return status != Status.FAILED;
        }

        /** The first failure, e.g. {@code net/x.c hunk #2 (@@ -10,6 +10,7 @@) FAILED at line 10}. */
        public Optional<String> firstFailure() {
            for (FileResult f : files) {
                if (f.message() != null && f.status() == Status.FAILED) {
                    return Optional.of(f.path() + ": " + f.message());
                }
                for (HunkResult h : f.hunks()) {
                    if (h.status() == Status.FAILED) {
                        return Optional.of(f.path() + " hunk #" + h.number() + " (" + h.header() + ") "
                                + h.describe());
                    }
                }
            }
            return status == Status.FAILED ? Optional.of(messages.isEmpty() ? "failed" : messages.get(0))
                    : Optional.empty();
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("file", file.toString());
            m.put("origin", origin.name().toLowerCase(java.util.Locale.ROOT));
            m.put("subject", subject);
            m.put("upstreamStatus", upstreamStatus);
            m.put("status", status.label());
            m.put("fuzzAllowed", fuzz);
            m.put("decision", decision == null ? null : decision.toMap());
            m.put("messages", messages);
            m.put("files", files.stream().map(FileResult::toMap).toList());
            return m;
        }
    }

    public PatchReport {
        excluded = List.copyOf(excluded);
        patches = List.copyOf(patches);
        written = List.copyOf(written);
        deleted = List.copyOf(deleted);
        artifacts = List.copyOf(artifacts);
    }

    @Override
    public String step() {
        return "patches";
    }

    @Override
    public boolean ok() {
        return patches.stream().allMatch(PatchResult::ok);
    }

    /** The first failing patch, or empty. */
    public Optional<PatchResult> firstFailed() {
        return patches.stream().filter(p -> !p.ok()).findFirst();
    }

    /** Names the first failing patch and its first failing hunk or file; empty when all applied. */
    public Optional<String> failureMessage() {
        long failed = patches.stream().filter(p -> !p.ok()).count();
        return firstFailed().map(p -> "patch " + p.name() + " does not apply: " + p.firstFailure().orElse("failed")
                + (failed > 1 ? " (" + failed + " patches failed in all)" : "")
                + "; the tree was left unchanged");
    }

    /** Throws a check failure (exit 1) naming the first failing patch and hunk, when any failed. */
    public PatchReport throwIfFailed() {
        Optional<String> msg = failureMessage();
        if (msg.isPresent()) {
            List<String> all = new ArrayList<>();
            for (PatchResult p : patches) {
                if (!p.ok()) {
                    all.add(p.name() + ": " + p.firstFailure().orElse("failed"));
                }
            }
            String where = artifacts.stream().filter(a -> a.role().equals("patch-report")).findFirst()
                    .map(a -> " (full report: " + a.path() + ")").orElse("");
            throw new KrunpackException(org.krunpack.core.ExitCode.CHECK_FAILED, msg.get() + where, all, null);
        }
        return this;
    }

    @Override
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        Map<Status, Integer> counts = new LinkedHashMap<>();
        for (PatchResult p : patches) {
            counts.merge(p.status(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(patches.size() + " patches (fuzz " + fuzz + "):");
        for (Status s : Status.values()) {
            sb.append(' ').append(counts.getOrDefault(s, 0)).append(' ').append(s.label())
                    .append(s == Status.FAILED ? "" : ",");
        }
        out.add(sb.toString());
        for (Decision d : excluded) {
            out.add("excluded: " + d.patch() + " — " + d.reason());
        }
        for (PatchResult p : patches) {
            if (p.decision() != null) {
                out.add(p.decision().action() + ": " + p.name() + " — " + p.decision().reason());
            }
            if (p.status() != Status.CLEAN) {
                out.add(p.status().label() + ": " + p.name() + p.firstFailure().map(f -> " — " + f).orElse(""));
            }
        }
        if (rejects != null) {
            out.add("failed hunks kept in " + rejects);
        }
        out.add(applied ? "tree patched: " + written.size() + " files written, " + deleted.size() + " deleted"
                : "tree left unchanged");
        return out;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tree", tree.toString());
        m.put("fuzz", fuzz);
        m.put("ok", ok());
        m.put("applied", applied);
        m.put("failure", failureMessage().orElse(null));
        m.put("millis", millis);
        m.put("excluded", excluded.stream().map(Decision::toMap).toList());
        m.put("rejects", rejects == null ? null : rejects.toString());
        m.put("written", written);
        m.put("deleted", deleted);
        m.put("patches", patches.stream().map(PatchResult::toMap).toList());
        return m;
    }

    /** The text report: one line per patch, then one per file or hunk that was not clean. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("patch series: ").append(patches.size()).append(" patches, fuzz ").append(fuzz)
                .append(", tree ").append(tree).append('\n');
        for (PatchResult p : patches) {
            sb.append(String.format("[%-6s] %s", p.status().textLabel(), p.name()));
            if (p.subject() != null) {
                sb.append(" — ").append(p.subject());
            }
            sb.append(p.origin() == Patch.Origin.OURS ? " (ours" : " (release");
            if (p.upstreamStatus() != null) {
                sb.append("; Upstream-Status: ").append(p.upstreamStatus());
            }
            sb.append(")\n");
            if (p.decision() != null) {
                sb.append("    ").append(p.decision().describe()).append('\n');
            }
            for (String msg : p.messages()) {
                sb.append("    ").append(msg).append('\n');
            }
            for (FileResult f : p.files()) {
                if (f.message() != null) {
                    sb.append("    ").append(f.path()).append(": ").append(f.message()).append('\n');
                }
                for (HunkResult h : f.hunks()) {
                    if (h.status() != Status.CLEAN && (f.message() == null || h.status() != Status.FAILED)) {
                        sb.append("    ").append(f.path()).append(" hunk #").append(h.number()).append(" (")
                                .append(h.header()).append("): ").append(h.describe()).append('\n');
                    } else if (h.status() == Status.FAILED && f.message() != null && h.number() == 1) {
                        sb.append("    ").append(f.path()).append(": ").append(f.hunks().size())
                                .append(f.hunks().size() == 1 ? " hunk" : " hunks").append(" not applied\n");
                    }
                }
            }
        }
        for (Decision d : excluded) {
            sb.append(String.format("[%-6s] %s", "EXCL", d.patch())).append(" — ").append(d.describe()).append('\n');
        }
        if (rejects != null) {
            sb.append("failed hunks: ").append(rejects.getFileName()).append("/ next to this report, one .rej file per"
                    + " failing patch\n");
        }
        sb.append(applied ? "result: ok — " + written.size() + " files written, " + deleted.size() + " deleted\n"
                : "result: " + (ok() ? "ok (nothing installed)" : "FAILED — " + failureMessage().orElse("")) + "\n");
        return sb.toString();
    }
}
