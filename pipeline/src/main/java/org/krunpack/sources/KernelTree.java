package org.krunpack.sources;

import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.release.LibkrunfwRelease;
import org.krunpack.release.MakefileVars;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares the kernel tree: extracts the chosen tarball (its single top-level directory stripped,
 * whatever its name: {@code linux-6.12.117} from kernel.org, {@code linux-source-6.12} from Debian)
 * into {@code <out>/tree/linux-<version>}, atomically, and checks the version in its top Makefile
 * against {@code kernel.version} in the project file and the release's {@code KERNEL_VERSION}.
 */
public final class KernelTree {
    private KernelTree() {
    }

    /**
     * @param release the libkrunfw release, or null
     * @throws KrunpackException (usage) when the versions disagree, naming both versions and both files
     */
    public static KernelTreeResult prepare(Project project, SourcesResult sources, LibkrunfwRelease release,
                                           Path outDir) {
        String wanted = project.kernelVersion();
        String wantedFrom = project.file() + " (kernel.version)";
        if (release != null) {
            if (wanted != null && !sameVersion(wanted, release.kernelVersion())) {
                throw KrunpackException.usage("kernel version mismatch: " + project.file() + " (kernel.version) says "
                        + wanted + " but " + release.makefile() + " (KERNEL_VERSION) says " + release.kernelName()
                        + "; make them agree");
            }
            if (wanted == null) {
                wanted = release.kernelVersion();
                wantedFrom = release.makefile() + " (KERNEL_VERSION " + release.kernelName() + ")";
            }
        }
        Path tarball = sources.kernel().file();
        Path treeDir = outDir.resolve("tree").toAbsolutePath();
        long start = System.nanoTime();
        Path tmp = null;
        try {
            Files.createDirectories(treeDir);
            tmp = Files.createTempDirectory(treeDir, ".linux-");
            SafeExtractor.Result r = SafeExtractor.extractInto(tarball, tmp, true);
            Path makefile = tmp.resolve("Makefile");
            String makefileName = tarball + ": " + r.topDirectory() + "/Makefile";
            if (!Files.isRegularFile(makefile, LinkOption.NOFOLLOW_LINKS)) {
                throw KrunpackException.usage(tarball + ": not a kernel source tarball (no " + r.topDirectory()
                        + "/Makefile)");
            }
            String version = treeVersion(MakefileVars.read(makefile), makefileName);
            if (wanted != null && !sameVersion(wanted, version)) {
                throw KrunpackException.usage("kernel version mismatch: " + makefileName
                        + " (VERSION/PATCHLEVEL/SUBLEVEL) says " + version + " but " + wantedFrom + " says " + wanted
                        + "; use a tarball of " + wanted + " or change the project file");
            }
            Path target = treeDir.resolve("linux-" + version);
            install(tmp, target);
            tmp = null;
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new KernelTreeResult(target, version, tarball, r.topDirectory(), r.entries(), r.bytes(), millis);
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL, "cannot prepare the kernel tree in " + treeDir + ": "
                    + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                AtomicFiles.deleteTree(tmp);
            }
        }
    }

    /** Renames a complete tree into place, replacing an existing one only after the rename succeeded. */
    private static void install(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
            AtomicFiles.deleteTree(old);
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
