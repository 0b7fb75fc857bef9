package org.krunpack.patches;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.sources.TreeState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Brings a kernel tree to "pristine + this series" without extracting it again: a series applied
 * earlier is taken off (its files restored from the pristine copies kept in the tree's state), then
 * the new series is applied atomically. A check ({@code install = false}) works on the pristine
 * view of the files and changes nothing.
 */
public final class TreePatcher {
    private TreePatcher() {
    }

    /**
     * @param tree       a tree extracted by krunpack (it has a {@link TreeState})
     * @param install    true: patch the tree; false: only check against its pristine content
     * @param reportDir  where the report goes
     * @param rejectsDir where the failed hunks go
     * @return the report; when installing and every patch applied, the tree holds the series and
     *         its state says so; when a patch failed, the tree is pristine
     */
    public static PatchReport bring(Path tree, PatchSeries series, boolean install, Path reportDir, Path rejectsDir) {
        TreeState state = TreeState.read(tree);
        if (state == null) {
            throw KrunpackException.usage(tree + " was not extracted by this krunpack (no state): run with"
                    + " --fresh-tree to extract it again");
        }
        if (!state.isPristine()) {
            List<String> changed = changedByHand(tree, state);
            if (!changed.isEmpty()) {
                throw KrunpackException.usage(tree + ": " + changed.size() + " file(s) the applied series wrote were"
                        + " changed since (" + String.join(", ", changed.subList(0, Math.min(5, changed.size())))
                        + (changed.size() > 5 ? ", ..." : "") + "); krunpack will not overwrite them: save your"
                        + " edits as a patch (krunpack patches export/import) and run with --fresh-tree");
            }
        }
        String wanted = series.digest();
        Path pristineDir = TreeState.pristineDir(tree);
        if (install && !state.isPristine()) {
            restore(tree, state);
            state = TreeState.read(tree);
        }
        TreeState view = state;
        Function<String, Path> pristine = rel -> {
            TreeState.FileChange c = view.files().get(rel);
            if (c == null) {
                return tree.resolve(rel);
            }
            return c.before() == null ? null : pristineDir.resolve(rel);
        };
        PatchReport report = PatchApplier.apply(new PatchApplier.Request(tree, series, reportDir, rejectsDir, pristine,
                install, install ? pristineDir : null));
        if (install && report.applied()) {
            Map<String, TreeState.FileChange> changes = new LinkedHashMap<>();
            for (String rel : new TreeSet<>(concat(report.written(), report.deleted()))) {
                Path backup = pristineDir.resolve(rel);
                Path now = tree.resolve(rel);
                String before = Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS) ? Digests.sha512(backup) : null;
                String after = Files.isRegularFile(now, LinkOption.NOFOLLOW_LINKS) ? Digests.sha512(now) : null;
                changes.put(rel, new TreeState.FileChange(before, after));
            }
            state.withApplied(wanted, series.patches().stream().map(Patch::name).toList(), changes).write(tree);
        }
        return report;
    }

    /**
     * The tree's pristine content: for a relative path, the file holding it (the pristine copy when
     * an applied series changed it, else the tree's file); null when the applied series created it.
     */
    public static Function<String, Path> pristineView(Path tree) {
        TreeState state = TreeState.read(tree);
        if (state == null) {
            throw KrunpackException.usage(tree + " was not extracted by this krunpack (no state): run with"
                    + " --fresh-tree to extract it again");
        }
        Path pristineDir = TreeState.pristineDir(tree);
        return rel -> {
            TreeState.FileChange c = state.files().get(rel);
            if (c == null) {
                return tree.resolve(rel);
            }
            return c.before() == null ? null : pristineDir.resolve(rel);
        };
    }

    /** True when the tree holds exactly this series, untouched since it was applied. */
    public static boolean holds(Path tree, PatchSeries series) {
        TreeState state = TreeState.read(tree);
        return state != null && series.digest().equals(state.applied()) && changedByHand(tree, state).isEmpty();
    }

    /** Files the applied series wrote whose content is no longer what it wrote. */
    static List<String> changedByHand(Path tree, TreeState state) {
        List<String> out = new ArrayList<>();
        for (var e : state.files().entrySet()) {
            Path p = tree.resolve(e.getKey());
            boolean exists = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
            String after = e.getValue().after();
            if (after == null ? exists : !exists || !after.equals(Digests.sha512(p))) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Takes the applied series off: pristine copies back, created files removed; the state says pristine. */
    static void restore(Path tree, TreeState state) {
        Path pristineDir = TreeState.pristineDir(tree);
        try {
            for (var e : state.files().entrySet()) {
                Path p = tree.resolve(e.getKey());
                if (e.getValue().before() == null) {
                    Files.deleteIfExists(p);
                } else {
                    Path b = pristineDir.resolve(e.getKey());
                    if (!Files.isRegularFile(b) || !e.getValue().before().equals(Digests.sha512(b))) {
                        throw KrunpackException.usage(tree + ": the pristine copy of " + e.getKey() + " is missing or"
                                + " damaged; run with --fresh-tree to extract the tree again");
                    }
                    Files.createDirectories(p.getParent());
                    Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName() + ".", ".krunpack-tmp");
                    Files.copy(b, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw KrunpackException.external("cannot restore the pristine files of " + tree + ": " + e.getMessage()
                    + "; run with --fresh-tree", e);
        }
        TreeState.pristine(state.tarballSha512(), state.version()).write(tree);
        AtomicFiles.deleteTree(pristineDir);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
