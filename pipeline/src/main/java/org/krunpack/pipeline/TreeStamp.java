package org.krunpack.pipeline;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Records what a prepared kernel tree was made from (the tarball's digest, every patch's digest,
 * the fuzz), so an unchanged tree is reused and {@code make} only rebuilds what changed.
 */
final class TreeStamp {
    static final String FILE = ".krunpack-tree-stamp";

    private TreeStamp() {
    }

    /** The stamp for a tree made from these inputs. */
    static String compute(String tarballSha512, List<Path> patches, int fuzz) {
        StringBuilder sb = new StringBuilder("krunpack tree v1\n");
        sb.append("tarball ").append(tarballSha512).append('\n');
        sb.append("fuzz ").append(fuzz).append('\n');
        for (Path p : patches) {
            sb.append("patch ").append(p.getFileName()).append(' ').append(Digests.sha512(p)).append('\n');
        }
        return sb.toString();
    }

    /** True when {@code tree} exists and was prepared from exactly these inputs. */
    static boolean matches(Path tree, String stamp) {
        Path f = tree.resolve(FILE);
        try {
            return Files.isRegularFile(f) && Files.readString(f, StandardCharsets.UTF_8).equals(stamp);
        } catch (IOException e) {
            return false;
        }
    }

    static void write(Path tree, String stamp) {
        AtomicFiles.writeString(tree.resolve(FILE), stamp);
    }

    /** Removes the stamp before a tree is changed, so a half-prepared tree is never reused. */
    static void clear(Path tree) {
        try {
            Files.deleteIfExists(tree.resolve(FILE));
        } catch (IOException ignored) {
            // a stale stamp only costs a re-extraction
        }
    }
}
