package org.krunpack.sources;

import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.release.MakefileVars;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel source tree: its version read from a tarball without extracting it, and the
 * extraction itself, atomic and digesting exactly the bytes it extracts.
 */
public final class KernelTree {
    private KernelTree() {
    }

    /**
     * The kernel version (VERSION.PATCHLEVEL.SUBLEVEL) of a tarball, read from its top Makefile by
     * streaming, before anything is extracted; remembered by digest in {@code cacheDir} so the
     * tarball is read once.
     */
    public static String tarballVersion(Path tarball, String sha512, Path cacheDir) {
        Path cached = cacheDir == null || sha512 == null ? null
                : cacheDir.resolve("kernel-version").resolve(sha512.substring(0, 32));
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                String v = Files.readString(cached, StandardCharsets.UTF_8).strip();
                if (v.matches("[0-9]+\\.[0-9]+\\.[0-9]+")) {
                    return v;
                }
            } catch (IOException ignored) {
                // read it from the tarball again
            }
        }
        byte[] makefile = SafeExtractor.readTopLevelFile(tarball, "Makefile", 1 << 20);
        if (makefile == null) {
            throw KrunpackException.usage(tarball + ": not a kernel source tarball (no Makefile in its top"
                    + " directory)");
        }
        String version = treeVersion(MakefileVars.parse(tarball + ": Makefile", new String(makefile, StandardCharsets.UTF_8)),
                tarball + ": Makefile");
        if (cached != null) {
            try {
                AtomicFiles.writeString(cached, version + "\n");
            } catch (KrunpackException ignored) {
                // an unwritable cache only costs the next run a read of the tarball
            }
        }
        return version;
    }

    /**
     * Extracts {@code tarball} (its single top-level directory stripped) into {@code target},
     * atomically: in a temporary directory under {@code tmpParent} (same file system), renamed into
     * place when complete. The tarball is opened once and the SHA-512 is computed over exactly the
     * bytes read from it for the extraction; when it is not {@code options.sha512()} the extraction
     * is discarded (the file changed since it was checked) and nothing is installed.
     */
    public static KernelTreeResult extract(Path tarball, Path target, Path tmpParent, SafeExtractor.Options options) {
        long start = System.nanoTime();
        Path tmp = null;
        try {
            Files.createDirectories(tmpParent);
            tmp = Files.createTempDirectory(tmpParent, "tree-");
            SafeExtractor.Verified v = SafeExtractor.extractInto(tarball, tmp, true, options);
            SafeExtractor.Result r = v.result();
            Path makefile = tmp.resolve("Makefile");
            if (!Files.isRegularFile(makefile, LinkOption.NOFOLLOW_LINKS)) {
                throw KrunpackException.usage(tarball + ": not a kernel source tarball (no " + r.topDirectory()
                        + "/Makefile)");
            }
            String version = treeVersion(MakefileVars.read(makefile), tarball + ": " + r.topDirectory() + "/Makefile");
            TreeState.pristine(v.sha512(), version).write(tmp);
            install(tmp, target);
            tmp = null;
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new KernelTreeResult(target, version, tarball, r.topDirectory(), r.entries(), r.bytes(), millis,
                    false);
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL, "cannot prepare the kernel tree " + target + ": "
                    + e.getMessage() + " (check free space and permissions)", e);
        } finally {
            if (tmp != null) {
                AtomicFiles.deleteTree(tmp);
            }
        }
    }

    /** As {@link #extract(Path, Path, Path, SafeExtractor.Options)} with the default bounds. */
    public static KernelTreeResult extract(Path tarball, String sha512, Path target, Path tmpParent,
                                           java.util.function.LongConsumer onBytes) {
        return extract(tarball, target, tmpParent, SafeExtractor.Options.of(
                org.krunpack.archive.ExtractLimits.DEFAULTS, sha512).onBytes(onBytes));
    }

    /** Renames a complete tree into place, replacing an existing one only after the rename succeeded. */
    private static void install(Path tmp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            old = tmp.resolveSibling(tmp.getFileName() + ".old");
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            AtomicFiles.deleteTree(old);
        }
    }

    /** {@code VERSION.PATCHLEVEL.SUBLEVEL} from a kernel's top Makefile ({@code name} for messages). */
    public static String treeVersion(MakefileVars vars, String name) {
        List<String> parts = new ArrayList<>();
        for (String v : List.of("VERSION", "PATCHLEVEL", "SUBLEVEL")) {
            String value = vars.get(v).orElse("");
            if (!value.matches("[0-9]+")) {
                throw KrunpackException.usage(name + ": " + v + " is '" + value + "', expected a number (is this the"
                        + " kernel's top Makefile?)");
            }
            parts.add(value);
        }
        return String.join(".", parts);
    }

    /** Versions compare by number, a missing trailing part counting as 0 ({@code 6.12} = {@code 6.12.0}). */
    public static boolean sameVersion(String a, String b) {
        String[] x = strip(a).split("\\.");
        String[] y = strip(b).split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            if (p.matches("[0-9]{1,18}") && q.matches("[0-9]{1,18}")
                    ? Long.parseLong(p) != Long.parseLong(q) : !p.equals(q)) {
                return false;
            }
        }
        return true;
    }

    private static String strip(String v) {
        return v.startsWith("linux-") ? v.substring("linux-".length()) : v;
    }
}
