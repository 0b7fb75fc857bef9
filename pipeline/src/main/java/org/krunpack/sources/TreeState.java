package org.krunpack.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.krunpack.core.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a kernel source tree is: the tarball it was extracted from and the patch series applied to
 * it, with every file the series changed (its digest before and after), so the series can be taken
 * off again (the pristine files are kept in {@code .krunpack/pristine/}) and a retry after changing
 * only patches or decisions does not extract again. Kept in {@code <tree>/.krunpack/state.json}.
 *
 * @param format         the state format; another one means "extract again"
 * @param tarballSha512  the tarball the tree came from
 * @param version        VERSION.PATCHLEVEL.SUBLEVEL from its Makefile
 * @param applied        the digest of the applied series, or null when the tree is pristine
 * @param appliedPatches the applied patches' names, in order (empty when pristine)
 * @param files          every file the applied series changed: relative path → digests
 */
public record TreeState(int format, String tarballSha512, String version, String applied,
                        List<String> appliedPatches, Map<String, FileChange> files) {
    public static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param before the file's SHA-512 in the pristine tree, or null when the series created it
     * @param after  its SHA-512 with the series applied, or null when the series deleted it
     */
    public record FileChange(String before, String after) {
    }

    /** A freshly extracted tree. */
    public static TreeState pristine(String tarballSha512, String version) {
        return new TreeState(FORMAT, tarballSha512, version, null, List.of(), Map.of());
    }

    public TreeState withApplied(String seriesDigest, List<String> patches, Map<String, FileChange> changed) {
        return new TreeState(format, tarballSha512, version, seriesDigest, List.copyOf(patches), Map.copyOf(changed));
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isPristine() {
        return applied == null;
    }

    /** krunpack's directory inside the tree. */
    public static Path stateDir(Path tree) {
        return tree.resolve(".krunpack");
    }

    /** Where the pristine copies of the files the series changed are kept. */
    public static Path pristineDir(Path tree) {
        return stateDir(tree).resolve("pristine");
    }

    /** The tree's state, or null when it has none (or one of another format). */
    public static TreeState read(Path tree) {
        Path f = stateDir(tree).resolve("state.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            TreeState s = JSON.readValue(f.toFile(), TreeState.class);
            return s.format() == FORMAT ? s : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public void write(Path tree) {
        try {
            AtomicFiles.writeBytes(stateDir(tree).resolve("state.json"), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the tree state", e);
        }
    }
}
