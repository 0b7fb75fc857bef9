package org.krunpack.patches;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.core.Tools;
import org.krunpack.patches.PatchReport.PatchResult;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies a patch series to a kernel tree all or nothing. The files the series touches are copied
 * into a scratch directory and the whole series is applied there with GNU patch
 * ({@code -p1 --forward --fuzz=N}, one run over the concatenated patches, so each patch sees the
 * files as the earlier ones left them); every patch is tried, so the report lists every failure. Only
 * when every patch applied are the changed files installed into the tree (each written to a
 * temporary file beside its target, then all renamed; deletions last). Otherwise the tree is not
 * touched at all.
 */
public final class PatchApplier {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PatchApplier() {
    }

    /**
     * What to apply where.
     *
     * @param tree       the kernel tree (changed only when every patch applies and {@code install})
     * @param series     the series, from {@link PatchSeries#plan} or {@link PatchSeries#load}
     * @param reportDir  where report.txt and report.json go
     * @param rejectsDir where the failed hunks go, one {@code <patch>.rej} per failing patch (emptied first)
     * @param pristine   for a relative path, the file holding its pristine content when the tree's
     *                   copy is patched (null: the tree's copy; a missing file: the series created it)
     * @param install    install the result into the tree when every patch applied (false: check only)
     * @param backupDir  before installing, the tree's copies of the files about to change are saved
     *                   here (null: no backup)
     */
    public record Request(Path tree, PatchSeries series, Path reportDir, Path rejectsDir,
                          java.util.function.Function<String, Path> pristine, boolean install, Path backupDir) {
    }

    /**
     * Checks the whole series against {@code tree} and, when every patch applies, patches the tree.
     * Writes {@code <outDir>/patches/report.txt} and {@code report.json}.
     *
     * @param fuzz   maximum fuzz for every patch (0: context must match exactly; offsets are always allowed)
     */
    public static PatchReport apply(Path tree, PatchSeries series, int fuzz, Path outDir) {
        Problems problems = new Problems("patch series");
        if (fuzz < 0 || fuzz > 3) {
            problems.add("patches.fuzz", fuzz + " is out of range: use 0 (exact context, the default) to 3");
        }
        problems.throwIfAny();
        PatchSeries s = new PatchSeries(series.patches(), series.seriesFile(), series.decisions(), fuzz);
        Path reports = outDir.resolve("patches");
        return apply(new Request(tree, s, reports, reports.resolve("rejects"), null, true, null));
    }

    /**
     * Applies the series in a scratch copy of the files it touches, one GNU patch run per patch
     * ({@code -p1 --forward --fuzz=N}, N per patch), so each patch sees the files as the earlier
     * ones left them; every patch is tried, so the report lists every failure, and the failed hunks
     * of each patch are kept in {@code rejectsDir}. Only when every patch applied (and
     * {@code install}) are the changed files installed into the tree (each written to a temporary
     * file beside its target, then all renamed; deletions last). Otherwise the tree is not touched.
     *
     * @throws KrunpackException usage (2) for a bad tree, or a series path through a symbolic link;
     *                           external (3) when GNU patch is missing or the tree cannot be written
     */
    public static PatchReport apply(Request req) {
        long t0 = System.nanoTime();
        Path root = req.tree().toAbsolutePath().normalize();
        PatchSeries series = req.series();
        Set<String> touched = validate(root, series, series.fuzz());
        Path reportDir = req.reportDir();
        if (reportDir.toAbsolutePath().normalize().startsWith(root)) {
            throw KrunpackException.usage("the output directory " + reportDir + " is inside the kernel tree " + root
                    + "; choose an --out outside it (the check must not change the tree)");
        }
        Path patchTool = series.patches().isEmpty() ? null : Tools.require("patch", "patch", "patch");
        List<PatchResult> results = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        boolean applied = false;
        Path work = null;
        try {
            Files.createDirectories(reportDir);
            AtomicFiles.deleteTree(req.rejectsDir());
            if (series.patches().isEmpty()) {
                return report(root, series, false, results, written, deleted, t0, reportDir, null);
            }
            work = Files.createTempDirectory(reportDir, ".work-");
            Path scratch = Files.createDirectory(work.resolve("tree"));
            Path rejects = Files.createDirectory(work.resolve("rejects"));
            for (String rel : touched) {
                Path src = req.pristine() == null ? root.resolve(rel) : req.pristine().apply(rel);
                if (src != null && Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
                    Path dst = scratch.resolve(rel);
                    Files.createDirectories(dst.getParent());
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            for (Patch p : series.patches()) {
                Path rej = rejects.resolve(p.name() + ".rej");
                Tools.Result r = Tools.run(List.of(patchTool.toString(), "-p1", "--batch", "--forward",
                                "--fuzz=" + series.fuzzFor(p), "--no-backup-if-mismatch", "--quoting-style=literal",
                                "-r", rej.toString(), "-d", scratch.toString(), "-i", p.file().toAbsolutePath().toString()),
                        scratch, Map.of("LC_ALL", "C"));
                PatchResult result = GnuPatchOutput.interpret(List.of(p), List.of(1), r.exitCode(),
                        r.stdout() + "\n" + r.stderr()).get(0);
                results.add(result.withDecision(series.decisionFor(p), series.fuzzFor(p)));
            }
            Path keptRejects = keepRejects(rejects, req.rejectsDir());
            if (results.stream().allMatch(PatchResult::ok) && req.install()) {
                install(root, scratch, touched, written, deleted, req.backupDir());
                applied = true;
            }
            return report(root, series, applied, results, written, deleted, t0, reportDir, keptRejects);
        } catch (IOException e) {
            throw KrunpackException.external("cannot prepare the patch check in " + reportDir + ": " + e.getMessage(), e);
        } finally {
            if (work != null) {
                AtomicFiles.deleteTree(work);
            }
        }
    }

    /** Moves the non-empty reject files to {@code target}; returns it, or null when there are none. */
    private static Path keepRejects(Path rejects, Path target) throws IOException {
        List<Path> kept = new ArrayList<>();
        try (var s = Files.list(rejects)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.size(p) > 0) {
                    kept.add(p);
                }
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        Files.createDirectories(target);
        for (Path p : kept) {
            Files.move(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static PatchReport report(Path root, PatchSeries series, boolean applied, List<PatchResult> results,
                                      List<String> written, List<String> deleted, long t0, Path reportDir,
                                      Path rejects) {
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Path txt = reportDir.resolve("report.txt");
        Path json = reportDir.resolve("report.json");
        List<Artifact> artifacts = new ArrayList<>(List.of(new Artifact("patch-report", txt),
                new Artifact("patch-report-json", json)));
        if (rejects != null) {
            artifacts.add(new Artifact("patch-rejects", rejects));
        }
        PatchReport report = new PatchReport(root, series.fuzz(), applied, results, sorted(written), sorted(deleted),
                millis, artifacts, series.excluded(), rejects);
        AtomicFiles.writeString(txt, report.toText());
        try {
            AtomicFiles.writeString(json, JSON.writeValueAsString(report.details()) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the patch report", e);
        }
        return report;
    }

    /** Every file the series touches (old and new names); refuses a bad tree, fuzz or symlinked path. */
    static Set<String> validate(Path root, PatchSeries series, int fuzz) {
        Problems problems = new Problems("patch series");
        if (!Files.isDirectory(root)) {
            problems.add(root.toString(), "the kernel tree does not exist or is not a directory");
        }
        problems.throwIfAny();
        Set<String> touched = new LinkedHashSet<>();
        for (Patch p : series.patches()) {
            for (FilePatch f : p.files()) {
                for (String rel : Arrays.asList(f.oldPath(), f.newPath())) {
                    if (rel == null || !touched.add(rel)) {
                        continue;
                    }
                    Path at = root;
                    for (Path part : Path.of(rel)) {
                        at = at.resolve(part);
                        if (Files.isSymbolicLink(at)) {
                            problems.add(p.file() + ": " + rel, root.relativize(at)
                                    + " is a symbolic link in the tree; krunpack does not patch through links");
                            break;
                        }
                    }
                    Path target = root.resolve(rel);
                    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        problems.add(p.file() + ": " + rel, "is a directory in the tree, the patch treats it as a file");
                    }
                }
            }
        }
        problems.throwIfAny();
        return touched;
    }

    /**
     * Installs the scratch results into the tree: writes every new or changed file to a temporary
     * sibling first (on any error they are all removed and the tree is as before), then renames
     * them into place, then deletes removed files and the directories they leave empty.
     */
    private static void install(Path root, Path scratch, Set<String> touched, List<String> written,
                                List<String> deleted, Path backupDir) {
        List<Path[]> moves = new ArrayList<>();
        List<Path> createdDirs = new ArrayList<>();
        try {
            for (String rel : touched) {
                Path src = scratch.resolve(rel);
                Path dst = root.resolve(rel);
                boolean inScratch = Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS);
                boolean inTree = Files.exists(dst, LinkOption.NOFOLLOW_LINKS);
                if (backupDir != null && inTree && Files.isRegularFile(dst, LinkOption.NOFOLLOW_LINKS)
                        && (!inScratch || differs(src, dst))) {
                    Path b = backupDir.resolve(rel);
                    Files.createDirectories(b.getParent());
                    Files.copy(dst, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
                if (inScratch && (!inTree || differs(src, dst))) {
                    createDirs(dst.getParent(), root, createdDirs);
                    Path tmp = Files.createTempFile(dst.getParent(), "." + dst.getFileName() + ".", ".krunpack-tmp");
                    moves.add(new Path[] {tmp, dst});
                    Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(src));
                    written.add(rel);
                } else if (!inScratch && inTree) {
                    deleted.add(rel);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Path[] mv : moves) {
                try {
                    Files.deleteIfExists(mv[0]);
                } catch (IOException ignored) {
                    // best effort: the temporary names start with '.' and end in .krunpack-tmp
                }
            }
            for (int i = createdDirs.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(createdDirs.get(i));
                } catch (IOException ignored) {
                    // not empty or gone: leave it
                }
            }
            throw KrunpackException.external("cannot write the patched files into " + root + ": " + e.getMessage()
                    + " (the tree is unchanged; check free space and permissions)", e);
        }
        try {
            for (Path[] mv : moves) {
                try {
                    Files.move(mv[0], mv[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(mv[0], mv[1], StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String rel : deleted) {
                Path p = root.resolve(rel);
                Files.delete(p);
                for (Path dir = p.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root);
                     dir = dir.getParent()) {
                    try (var s = Files.list(dir)) {
                        if (s.findAny().isPresent()) {
                            break;
                        }
                    }
                    Files.delete(dir);
                }
            }
        } catch (IOException e) {
            throw KrunpackException.external("installing the patched files into " + root + " failed half-way: "
                    + e.getMessage() + "; extract the tree again", e);
        }
    }

    private static void createDirs(Path dir, Path root, List<Path> created) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir)) {
            return;
        }
        createDirs(dir.getParent(), root, created);
        Files.createDirectory(dir);
        created.add(dir);
    }

    private static boolean differs(Path a, Path b) throws IOException {
        if (!Files.getPosixFilePermissions(a).equals(Files.getPosixFilePermissions(b, LinkOption.NOFOLLOW_LINKS))) {
            return true;
        }
        return Files.mismatch(a, b) != -1;
    }

    private static List<String> sorted(List<String> l) {
        return List.copyOf(new TreeSet<>(l));
    }
}
