package org.krunpack.sources;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A freshly extracted kernel tree.
 *
 * @param tree         {@code <out>/tree/linux-<version>}
 * @param version      VERSION.PATCHLEVEL.SUBLEVEL read from the tree's top Makefile
 * @param tarball      the tarball it came from
 * @param topDirectory the tarball's top-level directory (stripped), e.g. {@code linux-source-6.12}
 * @param entries      archive entries extracted
 * @param bytes        bytes of file contents written
 * @param millis       extraction time
 * @param reused       true when an earlier run's tree was reused
 */
public record KernelTreeResult(Path tree, String version, Path tarball, String topDirectory, long entries, long bytes,
                               long millis, boolean reused) implements StepResult {
    /** A tree extracted by an earlier run, reused as it is. */
    public static KernelTreeResult reused(Path tree, String version, Path tarball) {
        return new KernelTreeResult(tree, version, tarball, null, 0, 0, 0, true);
    }

    @Override
    public String step() {
        return "tree";
    }

    @Override
    public boolean ok() {
        return true;
    }

    @Override
    public List<Artifact> artifacts() {
        return List.of(new Artifact("kernel-tree", tree));
    }

    @Override
    public List<String> summary() {
        if (reused) {
            return List.of("kernel tree " + version + " at " + tree + ": reused (extracted from the same "
                    + tarball.getFileName() + " by an earlier run; --fresh-tree extracts again)");
        }
        return List.of("kernel tree " + version + " at " + tree + " (" + entries + " entries from "
                + tarball.getFileName() + ", " + millis / 1000.0 + " s; SHA-512 of the bytes extracted verified)");
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tree", tree.toString());
        m.put("version", version);
        m.put("tarball", tarball.toString());
        m.put("topDirectory", topDirectory);
        m.put("entries", entries);
        m.put("bytes", bytes);
        m.put("millis", millis);
        m.put("reused", reused);
        return m;
    }
}
