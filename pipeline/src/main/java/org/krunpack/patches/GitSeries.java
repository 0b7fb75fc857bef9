package org.krunpack.patches;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rebase workflow on real git: {@link #export} makes a repository holding the pristine files
 * the series touches (one commit, tagged {@code krunpack/base}) and applies the series on top with
 * {@code git am}, one commit per patch, stopping at the first patch that does not apply (as
 * {@code git am} does: fix it, {@code git add}, {@code git am --continue}); a maintainer can then
 * use {@code git rebase -i}, {@code git mergetool} or plain editing. {@link #importSeries} turns
 * the commits back into patch files ({@code git format-patch}), keeping each original patch's
 * header and adding one line saying it was refreshed.
 */
public final class GitSeries {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String BASE_TAG = "krunpack/base";
    private static final String MANIFEST = "krunpack-series.json";
    private static final Map<String, String> GIT_ENV = Map.of("LC_ALL", "C", "GIT_CONFIG_NOSYSTEM", "1",
            "GIT_COMMITTER_NAME", "krunpack", "GIT_COMMITTER_EMAIL", "krunpack@localhost",
            "GIT_COMMITTER_DATE", "1735689600 +0000", "GIT_AUTHOR_DATE", "1735689600 +0000");

    private GitSeries() {
    }

    /** One series entry as exported: its name, the file it came from and its subject. */
    public record Entry(String name, String file, String subject) {
    }

    /**
     * What the export did.
     *
     * @param repo      the repository
     * @param files     pristine files committed as the base
     * @param applied   patches applied as commits
     * @param stoppedAt the patch git am stopped at (it does not apply), or null
     * @param message   git am's message when it stopped, or null
     */
    public record Exported(Path repo, int files, List<String> applied, String stoppedAt, String message) {
    }

    /**
     * Exports the series onto the pristine files it touches.
     *
     * @param pristine a relative path's pristine content (null or missing: the series creates it)
     * @param repo     the repository to create (replaced when it exists)
     */
    public static Exported export(PatchSeries series, Function<String, Path> pristine, String kernelVersion,
                                  Path repo) {
        Path git = Tools.require("git", "git", "git");
        Set<String> touched = new LinkedHashSet<>();
        for (Patch p : series.patches()) {
            for (FilePatch f : p.files()) {
                if (f.oldPath() != null) {
                    touched.add(f.oldPath());
                }
                if (f.newPath() != null) {
                    touched.add(f.newPath());
                }
            }
        }
        AtomicFiles.deleteTree(repo);
        int files = 0;
        try {
            Files.createDirectories(repo);
            git(git, repo, "init", "-q", "-b", "krunpack");
            git(git, repo, "config", "user.name", "krunpack");
            git(git, repo, "config", "user.email", "krunpack@localhost");
            git(git, repo, "config", "core.autocrlf", "false");
            for (String rel : touched) {
                Path src = pristine.apply(rel);
                if (src != null && Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
                    Path dst = repo.resolve(rel);
                    Files.createDirectories(dst.getParent());
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                    files++;
                }
            }
            git(git, repo, "add", "-A");
            git(git, repo, "commit", "-q", "--allow-empty", "-m", "pristine linux-" + kernelVersion
                    + ": the files the patch series touches");
            git(git, repo, "tag", BASE_TAG);
            List<Entry> entries = new ArrayList<>();
            for (Patch p : series.patches()) {
                entries.add(new Entry(p.name(), p.file().toAbsolutePath().toString(), p.subject()));
            }
            Files.writeString(repo.resolve(".git").resolve(MANIFEST), JSON.writeValueAsString(entries),
                    StandardCharsets.UTF_8);
            List<String> applied = new ArrayList<>();
            for (Patch p : series.patches()) {
                Tools.Result r = Tools.run(List.of(git.toString(), "am", "--keep-cr", "--reject", "--whitespace=nowarn",
                        p.file().toAbsolutePath().toString()), repo, GIT_ENV);
                if (!r.ok()) {
                    return new Exported(repo, files, applied, p.name(), (r.stdout() + r.stderr()).strip());
                }
                applied.add(p.name());
            }
            return new Exported(repo, files, applied, null, null);
        } catch (IOException e) {
            throw KrunpackException.external("cannot export the series to " + repo + ": " + e.getMessage(), e);
        }
    }

    /**
     * One patch made from a commit.
     *
     * @param name     the series name it stands for (the original's), or a new name for a new commit
     * @param file     the written patch
     * @param original the original patch file, or null for a commit that is not in the series
     * @param changed  true when its change differs from the original's (hunk positions aside)
     */
    public record Imported(String name, Path file, Path original, boolean changed) {
    }

    /**
     * Turns the commits after the base back into patch files in {@code outDir}: a commit whose
     * subject is that of a series patch takes its name and its header (From, Date, Subject, the
     * message), plus a line saying it was refreshed when its change differs; a new commit keeps
     * git's own header. Series patches without a commit are reported by the caller (dropped).
     */
    public static List<Imported> importSeries(Path repo, Path outDir, String kernelVersion) {
        Path git = Tools.require("git", "git", "git");
        Path manifest = repo.resolve(".git").resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw KrunpackException.usage(repo + " is not a series exported by 'krunpack patches export' (no "
                    + manifest.getFileName() + " in its .git)");
        }
        if (Files.exists(repo.resolve(".git/rebase-apply"))) {
            throw KrunpackException.usage(repo + ": a git am is still in progress (fix the patch, git add, git am"
                    + " --continue, or git am --skip), then import");
        }
        List<Entry> entries;
        try {
            entries = List.of(JSON.readValue(manifest.toFile(), Entry[].class));
        } catch (IOException e) {
            throw KrunpackException.usage(manifest + ": unreadable: " + e.getMessage());
        }
        Tools.Result list = git(git, repo, "rev-list", "--reverse", BASE_TAG + "..HEAD");
        List<Imported> out = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        try {
            Files.createDirectories(outDir);
            int n = 0;
            for (String sha : list.stdout().strip().split("\n")) {
                if (sha.isBlank()) {
                    continue;
                }
                n++;
                String text = git(git, repo, "format-patch", "-1", "--stdout", "--no-signature", "--no-stat",
                        "--zero-commit", "--full-index", sha).stdout();
                String subject = git(git, repo, "log", "-1", "--format=%s", sha).stdout().strip();
                Entry match = null;
                for (Entry e : entries) {
                    if (!used.contains(e.name()) && e.subject() != null && subject.equals(e.subject())) {
                        match = e;
                        break;
                    }
                }
                String name;
                Path original = null;
                boolean changed = true;
                String result;
                if (match == null) {
                    name = String.format("%04d-%s.patch", n, subject.replaceAll("[^A-Za-z0-9]+", "-")
                            .replaceAll("(^-|-$)", "").substring(0, Math.min(52, subject.length())));
                    result = text;
                } else {
                    used.add(match.name());
                    name = match.name();
                    original = Path.of(match.file());
                    String orig = Files.readString(original, StandardCharsets.UTF_8);
                    changed = !sameResult(git, repo, sha, original);
                    result = header(orig) + (changed ? "Refreshed-for: linux-" + kernelVersion
                            + " (krunpack patches import: the change was edited or moved; check before use)\n" : "")
                            + "---\n" + diff(text);
                }
                Path file = outDir.resolve(name);
                AtomicFiles.writeString(file, result);
                out.add(new Imported(name, file, original, changed));
            }
        } catch (IOException e) {
            throw KrunpackException.external("cannot write the imported patches to " + outDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * True when the original patch, applied to the commit's parent, gives exactly the commit's tree:
     * the commit is the original change (git may word the same diff differently).
     */
    static boolean sameResult(Path git, Path repo, String commit, Path original) {
        Path index = null;
        try {
            index = Files.createTempFile(repo.resolve(".git"), "krunpack-index-", "");
            Files.delete(index);
            Map<String, String> env = new LinkedHashMap<>(GIT_ENV);
            env.put("GIT_INDEX_FILE", index.toString());
            if (!Tools.run(List.of(git.toString(), "read-tree", commit + "^"), repo, env).ok()) {
                return false;
            }
            if (!Tools.run(List.of(git.toString(), "apply", "--cached", "--whitespace=nowarn",
                    original.toAbsolutePath().toString()), repo, env).ok()) {
                return false;
            }
            Tools.Result written = Tools.run(List.of(git.toString(), "write-tree"), repo, env);
            Tools.Result tree = Tools.run(List.of(git.toString(), "rev-parse", commit + "^{tree}"), repo, env);
            return written.ok() && tree.ok() && written.stdout().strip().equals(tree.stdout().strip());
        } catch (IOException e) {
            return false;
        } finally {
            if (index != null) {
                try {
                    Files.deleteIfExists(index);
                } catch (IOException ignored) {
                    // a stray index file in .git is harmless
                }
            }
        }
    }

    /** Names of the exported series that no commit stands for (dropped in the rebase). */
    public static List<String> dropped(Path repo, List<Imported> imported) {
        try {
            List<String> names = new ArrayList<>();
            for (Entry e : JSON.readValue(repo.resolve(".git").resolve(MANIFEST).toFile(), Entry[].class)) {
                if (imported.stream().noneMatch(i -> e.name().equals(i.name()))) {
                    names.add(e.name());
                }
            }
            return names;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static final Pattern DIFF_START = Pattern.compile("(?m)^(diff --git |--- a/|--- /dev/null)");

    /** The header of a patch file: everything before its diff (without a trailing "---" line). */
    static String header(String patch) {
        Matcher m = DIFF_START.matcher(patch);
        String head = m.find() ? patch.substring(0, m.start()) : patch;
        int sep = head.lastIndexOf("\n---\n");
        if (sep >= 0) {
            head = head.substring(0, sep + 1);
        } else if (head.startsWith("---\n")) {
            head = "";
        }
        return head.endsWith("\n") || head.isEmpty() ? head : head + "\n";
    }

    /** The diff part of a patch (from the first "diff --git" or "--- a/"), without git's trailer. */
    static String diff(String patch) {
        Matcher m = DIFF_START.matcher(patch);
        String d = m.find() ? patch.substring(m.start()) : "";
        int sig = d.lastIndexOf("\n-- \n");
        return sig >= 0 ? d.substring(0, sig + 1) : d;
    }

    private static Tools.Result git(Path git, Path repo, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(git.toString());
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, repo, GIT_ENV);
        if (!r.ok()) {
            throw KrunpackException.external("git " + String.join(" ", args) + " in " + repo + " exited "
                    + r.exitCode() + Tools.tail("\n", r.stderr().isBlank() ? r.stdout() : r.stderr(), 10));
        }
        return r;
    }

    /** The YAML a maintainer adds to patches.release for the refreshed patches. */
    public static String decisionsYaml(List<Imported> imported, String kernelVersion, Path projectDir) {
        StringBuilder sb = new StringBuilder();
        for (Imported i : imported) {
            if (i.original() != null && i.changed()) {
                Path rel = projectDir.toAbsolutePath().relativize(i.file().toAbsolutePath());
                sb.append("    - patch: ").append(i.name()).append('\n')
                        .append("      replace: ").append(rel).append('\n')
                        .append("      reason: \"refreshed for ").append(kernelVersion)
                        .append(": <say what changed and why>\"\n");
            }
        }
        return sb.toString();
    }

    /** Test hook: the patch names in an exported repository. */
    static Map<String, String> manifest(Path repo) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (Entry e : JSON.readValue(repo.resolve(".git").resolve(MANIFEST).toFile(), Entry[].class)) {
            m.put(e.name(), e.file());
        }
        return m;
    }
}
