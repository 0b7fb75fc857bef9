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
     * Checks the whole series against {@code tree} and, when every patch applies, patches the tree.
     * Writes {@code <outDir>/patches/report.txt} and {@code report.json}.
     *
     * @param tree   the kernel tree (changed only when every patch applies)
     * @param series the series, from {@link PatchSeries#load}
     * @param fuzz   maximum fuzz (0: context must match exactly; offsets are always allowed)
     * @param outDir the output directory
     * @return the report; {@code ok()} is false when any patch failed, and then the tree is unchanged
     * @throws KrunpackException usage (2) for a bad tree or fuzz, or a series path through a symbolic
     *                           link; external (3) when GNU patch is missing or the tree cannot be written
     */
    public static PatchReport apply(Path tree, PatchSeries series, int fuzz, Path outDir) {
        long t0 = System.nanoTime();
        Path root = tree.toAbsolutePath().normalize();
        Set<String> touched = validate(root, series, fuzz);
        if (outDir.toAbsolutePath().normalize().startsWith(root)) {
            throw KrunpackException.usage("the output directory " + outDir + " is inside the kernel tree " + root
                    + "; choose an --out outside it (the check must not change the tree)");
        }
        Path patchTool = series.patches().isEmpty() ? null : Tools.require("patch", "patch", "patch");
        Path reportDir = outDir.resolve("patches");
        List<PatchResult> results = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        boolean applied = false;
        Path work = null;
        try {
            Files.createDirectories(reportDir);
            if (series.patches().isEmpty()) {
                return report(root, fuzz, false, results, written, deleted, t0, reportDir);
            }
            work = Files.createTempDirectory(reportDir, ".work-");
            Path scratch = Files.createDirectory(work.resolve("tree"));
            for (String rel : touched) {
                Path src = root.resolve(rel);
                if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
                    Path dst = scratch.resolve(rel);
                    Files.createDirectories(dst.getParent());
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            // One run over the whole series: later patches see what earlier ones did, and one
            // process instead of one per patch keeps the check fast on a busy machine.
            Path input = work.resolve("series.patch");
            List<Integer> firstLines = concatenate(series.patches(), input);
            Tools.Result r = Tools.run(List.of(patchTool.toString(), "-p1", "--batch", "--forward",
                            "--fuzz=" + fuzz, "--no-backup-if-mismatch", "--quoting-style=literal",
                            "-d", scratch.toString(), "-i", input.toString()),
                    scratch, Map.of("LC_ALL", "C"));
            results.addAll(GnuPatchOutput.interpret(series.patches(), firstLines, r.exitCode(),
                    r.stdout() + "\n" + r.stderr()));
            if (results.stream().allMatch(PatchResult::ok)) {
                install(root, scratch, touched, written, deleted);
                applied = true;
            }
        } catch (IOException e) {
            throw KrunpackException.external("cannot prepare the patch check in " + reportDir + ": " + e.getMessage(), e);
        } finally {
            if (work != null) {
                AtomicFiles.deleteTree(work);
            }
        }
        return report(root, fuzz, applied, results, written, deleted, t0, reportDir);
    }

    private static PatchReport report(Path root, int fuzz, boolean applied, List<PatchResult> results,
                                      List<String> written, List<String> deleted, long t0, Path reportDir) {
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Path txt = reportDir.resolve("report.txt");
        Path json = reportDir.resolve("report.json");
        PatchReport report = new PatchReport(root, fuzz, applied, results, sorted(written), sorted(deleted), millis,
                List.of(new Artifact("patch-report", txt), new Artifact("patch-report-json", json)));
        AtomicFiles.writeString(txt, report.toText());
        try {
            AtomicFiles.writeString(json, JSON.writeValueAsString(report.details()) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the patch report", e);
        }
        return report;
    }

    /** Writes the patches one after another; returns the input line where each starts. */
    private static List<Integer> concatenate(List<Patch> patches, Path input) throws IOException {
        List<Integer> firstLines = new ArrayList<>();
        int line = 1;
        try (var out = Files.newOutputStream(input)) {
            for (Patch p : patches) {
                byte[] b = Files.readAllBytes(p.file());
                firstLines.add(line);
                out.write(b);
                for (byte c : b) {
                    if (c == '\n') {
                        line++;
                    }
                }
                if (b.length > 0 && b[b.length - 1] != '\n') {
                    out.write('\n');
                    line++;
                }
            }
        }
        return firstLines;
    }

    /** Every file the series touches (old and new names); refuses a bad tree, fuzz or symlinked path. */
    static Set<String> validate(Path root, PatchSeries series, int fuzz) {
        Problems problems = new Problems("patch series");
        if (!Files.isDirectory(root)) {
            problems.add(root.toString(), "the kernel tree does not exist or is not a directory");
        }
        if (fuzz < 0 || fuzz > 3) {
            problems.add("patches.fuzz", fuzz + " is out of range: use 0 (exact context, the default) to 3");
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
                                List<String> deleted) {
        List<Path[]> moves = new ArrayList<>();
        List<Path> createdDirs = new ArrayList<>();
        try {
            for (String rel : touched) {
                Path src = scratch.resolve(rel);
                Path dst = root.resolve(rel);
                boolean inScratch = Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS);
                boolean inTree = Files.exists(dst, LinkOption.NOFOLLOW_LINKS);
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
