package org.krunpack.pipeline;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output directory ({@code out/} by default) and every path in it. No other class spells out a
 * path under {@code out/}: steps and commands ask the workspace.
 *
 * <pre>
 * out/
 *   sources                  Fedora-style sources file (what was used, with digests)
 *   release/libkrunfw/       the libkrunfw release, extracted
 *   tree/linux-VERSION/      the kernel source tree: pristine + the applied series (never configured
 *                            or built in place; its own state in .krunpack/)
 *   patches/                 report.txt, report.json, rejects/ (hunks that failed), git/ (export)
 *   config/                  merged.config, config, report.txt, report.json, make.log
 *   build/ARCH[-VARIANT]/    the kernel build directory (make O=...): .config and objects
 *   kernel/                  vmlinux or Image, build.log
 *   bundle/                  libkrunfw[-variant].so.VERSION and its links
 *   verify/                  verify-lib report
 *   smoke/                   boot logs and report
 *   srpm/, copr/             source RPMs, COPR build records
 *   provenance.json          what the library was built from
 *   .krunpack/               state: lock, steps/ (one record per step), digests (file digest cache), tmp/
 * </pre>
 *
 * Opening a workspace takes its lock (a second krunpack on the same directory is refused, exit 2,
 * naming the process) and removes temporaries a killed run left behind: while the lock is held no
 * other live run can own them.
 */
public final class Workspace implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private List<Path> leftovers = List.of();

    private Workspace(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * The paths of a workspace without opening it (no lock, nothing created): for commands that
     * only read or write one output of their own (bundle, verify-lib, smoke, srpm, copr).
     */
    public static Workspace layout(Path out) {
        return new Workspace(out.toAbsolutePath().normalize(), null, null);
    }

    /** Opens (creating) the workspace, takes its lock and clears a killed run's temporaries. */
    public static Workspace open(Path out) {
        Path root = out.toAbsolutePath().normalize();
        Path state = root.resolve(".krunpack");
        FileChannel ch = null;
        try {
            Files.createDirectories(state);
            ch = FileChannel.open(state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = readPid(state.resolve("lock.pid"));
                ch.close();
                throw KrunpackException.usage(root + " is in use by another krunpack run"
                        + (holder != null ? " (pid " + holder + ")" : "")
                        + ": wait for it to finish, or use another --out directory");
            }
            Files.writeString(state.resolve("lock.pid"), ProcessHandle.current().pid() + "\n",
                    StandardCharsets.UTF_8);
            Workspace ws = new Workspace(root, ch, l);
            ws.leftovers = List.copyOf(ws.clearTemporaries());
            return ws;
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // reporting the first error
            }
            throw new KrunpackException(ExitCode.EXTERNAL, "cannot open the output directory " + root + ": "
                    + e.getMessage() + " (check free space and permissions)", e);
        }
    }

    private static String readPid(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Removes what runs killed with -9 left: temporaries under .krunpack/tmp and the temporary
     * siblings of outputs ({@code .NAME.tmp-PID-...}) whose owner pid is no longer alive. A live
     * run's temporaries are never touched (its pid is alive; the lock also keeps a second run of
     * the same workspace out).
     */
    private List<Path> clearTemporaries() {
        List<Path> removed = new java.util.ArrayList<>(AtomicFiles.removeLeftovers(tmpRoot()));
        if (Files.isDirectory(tmpRoot())) {
            // Untagged entries come from krunpack versions before owner pids; the lock says no run uses them.
            try (Stream<Path> s = Files.list(tmpRoot())) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (org.krunpack.core.Interrupts.ownerPid(p.getFileName().toString()) < 0) {
                        AtomicFiles.deleteTree(p);
                        removed.add(p);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // left for a later run
            }
        }
        removed.addAll(AtomicFiles.removeLeftovers(root));
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !d.equals(stateDir())) {
                    removed.addAll(AtomicFiles.removeLeftovers(d));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a leftover we cannot delete only costs disk space; say nothing here
        }
        return removed;
    }

    /** What opening this workspace removed of killed runs' temporaries. */
    public List<Path> leftoversRemoved() {
        return leftovers;
    }

    @Override
    public void close() {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }

    /** The output directory (absolute). */
    public Path root() {
        return root;
    }

    public Path sourcesFile() {
        return root.resolve("sources");
    }

    /** Where a release tarball is extracted. */
    public Path releaseDir() {
        return root.resolve("release").resolve("libkrunfw");
    }

    /** The directory holding kernel source trees. */
    public Path treesDir() {
        return root.resolve("tree");
    }

    /** The kernel source tree for a version. */
    public Path tree(String version) {
        return treesDir().resolve("linux-" + version);
    }

    public Path patchesDir() {
        return root.resolve("patches");
    }

    /** The failed hunks of the last patch check, one {@code .rej} file per failing patch. */
    public Path rejectsDir() {
        return patchesDir().resolve("rejects");
    }

    /** The git repository of the series exported for a rebase. */
    public Path patchesGitDir() {
        return patchesDir().resolve("git");
    }

    /** Refreshed patches imported back from the git export. */
    public Path patchesImportDir() {
        return patchesDir().resolve("refreshed");
    }

    public Path configDir() {
        return root.resolve("config");
    }

    /** The kernel build directory ({@code make O=}) for an arch and variant. */
    public Path buildDir(Arch arch, Variant variant) {
        return root.resolve("build").resolve(arch.rpmName() + variant.suffix());
    }

    public Path kernelDir() {
        return root.resolve("kernel");
    }

    public Path bundleDir() {
        return root.resolve("bundle");
    }

    public Path verifyDir() {
        return root.resolve("verify");
    }

    public Path smokeDir() {
        return root.resolve("smoke");
    }

    /** Source RPMs built by {@code krunpack srpm}. */
    public Path srpmDir() {
        return root.resolve("srpm");
    }

    /** Records of COPR builds submitted from here. */
    public Path coprDir() {
        return root.resolve("copr");
    }

    /** The kernel image the kernel step copied out, for an arch. */
    public Path image(Arch arch) {
        return kernelDir().resolve(Path.of(arch.imagePath()).getFileName());
    }

    /** The resolved config of the last successful config step. */
    public Path resolvedConfig() {
        return configDir().resolve("config");
    }

    /** Where and what a build provenance record is written. */
    public Path provenance() {
        return root.resolve("provenance.json");
    }

    /** krunpack's own state. */
    public Path stateDir() {
        return root.resolve(".krunpack");
    }

    /** The record of a step's last successful run. */
    public Path stepRecord(String step) {
        return stateDir().resolve("steps").resolve(step + ".json");
    }

    /** The file digest cache (by device, inode, size and mtime). */
    public Path digestCache() {
        return stateDir().resolve("digests.json");
    }

    private Path tmpRoot() {
        return stateDir().resolve("tmp");
    }

    /**
     * A new empty temporary directory for this run, on the same file system as every output (so a
     * finished result is renamed into place); removed by the next run if this one is killed.
     */
    public Path newTempDir(String purpose) {
        try {
            Files.createDirectories(tmpRoot());
            return org.krunpack.core.Interrupts.temporary(Files.createTempDirectory(tmpRoot(), purpose
                    + org.krunpack.core.Interrupts.ownerTag()));
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL, "cannot create a temporary directory in " + tmpRoot()
                    + ": " + e.getMessage() + " (check free space and permissions)", e);
        }
    }
}
