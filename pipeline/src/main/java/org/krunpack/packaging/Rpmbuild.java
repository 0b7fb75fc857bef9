package org.krunpack.packaging;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs rpmbuild and rpmspec the reproducible way: a private {@code _topdir} in a temporary directory,
 * sources from {@code _sourcedir}, SOURCE_DATE_EPOCH in the environment with
 * {@code use_source_date_epoch_as_buildtime} and {@code clamp_mtime_to_source_date_epoch}, a fixed
 * {@code _buildhost}, and the autospec stand-in macros loaded with {@code --load}.
 */
public final class Rpmbuild {
    /** The build host recorded in every package krunpack builds. */
    public static final String BUILD_HOST = "krunpack.localdomain";
    /** The fixed build paths written into SRPM headers (rpmbuild -bs only creates empty folders there). */
    static final Path SRPM_BUILD_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "krunpack-rpmbuild");

    private Rpmbuild() {
    }

    /**
     * @param sourceDir       where the spec's sources (and patches) are
     * @param sourceDateEpoch fixes build time, file mtimes and the local changelog date
     * @param macros          a macro file to load (the autospec stand-ins), or null
     * @param extra           more rpmbuild arguments ({@code --nodeps}, {@code --without sev}, defines)
     */
    public record Options(Path sourceDir, long sourceDateEpoch, Path macros, List<String> extra) {
        public Options {
            extra = List.copyOf(extra);
        }
    }

    /** {@code rpmbuild -bs}: the SRPMs land in {@code outDir}; returns their paths. */
    public static List<Path> sourceRpm(Path spec, Path outDir, Options o) {
        return run("-bs", spec, outDir, o, "_srcrpmdir", ".src.rpm");
    }

    /** {@code rpmbuild -bb}: the binary RPMs land in {@code outDir} (flat); returns their paths. */
    public static List<Path> binaryRpms(Path spec, Path outDir, Options o, Path log) {
        Tools.require("rpmbuild", "rpm", "rpm-build");
        Path top = tempTop(outDir);
        try {
            List<String> cmd = command("-bb", spec, top, o);
            cmd.add(cmd.size() - 1, "--define");
            cmd.add(cmd.size() - 1, "_rpmdir " + top.resolve("RPMS"));
            int rc = Tools.runLogged(cmd, null, env(o), log, null);
            if (rc != 0) {
                throw KrunpackException.external("rpmbuild -bb " + spec.getFileName() + " exited " + rc
                        + Tools.tail("\n", readQuietly(log), 25) + "\n  full log: " + log);
            }
            return collect(top.resolve("RPMS"), outDir, ".rpm");
        } finally {
            AtomicFiles.deleteTree(top);
        }
    }

    /** {@code rpmspec -P}: the spec as rpm parses it; fails (exit 3) with rpm's message. */
    public static String parse(Path spec, Options o) {
        Tools.require("rpmspec", "rpm", "rpm-build");
        List<String> cmd = new ArrayList<>(List.of("rpmspec"));
        if (o.macros() != null) {
            cmd.addAll(List.of("--load", o.macros().toString()));
        }
        cmd.addAll(o.extra());
        cmd.addAll(List.of("-P", spec.toString()));
        Tools.Result r = Tools.run(cmd, null, env(o));
        if (!r.ok() || !r.stderr().isBlank()) {
            throw KrunpackException.external("rpmspec -P " + spec + " failed (exit " + r.exitCode() + "):"
                    + Tools.tail("\n", r.stderr(), 20));
        }
        return r.stdout();
    }

    private static List<Path> run(String mode, Path spec, Path outDir, Options o, String outMacro, String suffix) {
        Tools.require("rpmbuild", "rpm", "rpm-build");
        Path top = tempTop(outDir);
        try {
            List<String> cmd = command(mode, spec, top, o);
            cmd.add(cmd.size() - 1, "--define");
            cmd.add(cmd.size() - 1, outMacro + " " + top.resolve("OUT"));
            // The SRPM header stores the build scripts expanded, paths included: a fixed build
            // directory keeps the private _topdir out of them (rpmbuild -bs builds nothing there).
            cmd.add(cmd.size() - 1, "--define");
            cmd.add(cmd.size() - 1, "_builddir " + SRPM_BUILD_ROOT.resolve("BUILD"));
            cmd.add(cmd.size() - 1, "--define");
            cmd.add(cmd.size() - 1, "_buildrootdir " + SRPM_BUILD_ROOT.resolve("BUILDROOT"));
            Tools.Result r = Tools.run(cmd, null, env(o));
            if (!r.ok()) {
                throw KrunpackException.external("rpmbuild " + mode + " " + spec.getFileName() + " exited "
                        + r.exitCode() + Tools.tail("\n", r.stderr().isBlank() ? r.stdout() : r.stderr(), 20));
            }
            return collect(top.resolve("OUT"), outDir, suffix);
        } finally {
            AtomicFiles.deleteTree(top);
        }
    }

    static List<String> command(String mode, Path spec, Path top, Options o) {
        List<String> cmd = new ArrayList<>(List.of("rpmbuild", mode));
        if (o.macros() != null) {
            cmd.addAll(List.of("--load", o.macros().toAbsolutePath().toString()));
        }
        define(cmd, "_topdir", top.toString());
        define(cmd, "_sourcedir", o.sourceDir().toAbsolutePath().toString());
        define(cmd, "use_source_date_epoch_as_buildtime", "1");
        define(cmd, "clamp_mtime_to_source_date_epoch", "1");
        define(cmd, "_buildhost", BUILD_HOST);
        // Debian's rpm runs brp-elfperms after %install, which (when elfutils is installed) takes the
        // execute bits off shared libraries; Fedora's redhat-rpm-config does not run it, and rpmlint
        // calls a non-executable library an error. Build as Fedora would.
        define(cmd, "__brp_elfperms", "%{nil}");
        cmd.addAll(o.extra());
        cmd.add(spec.toAbsolutePath().toString());
        return cmd;
    }

    private static void define(List<String> cmd, String name, String value) {
        cmd.add("--define");
        cmd.add(name + " " + value);
    }

    static Map<String, String> env(Options o) {
        return Map.of("SOURCE_DATE_EPOCH", Long.toString(o.sourceDateEpoch()), "LC_ALL", "C.UTF-8", "TZ", "UTC");
    }

    private static Path tempTop(Path outDir) {
        try {
            Files.createDirectories(outDir);
            return Files.createTempDirectory(outDir.toAbsolutePath(), ".rpmbuild-");
        } catch (IOException e) {
            throw KrunpackException.external("cannot create a build directory in " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> collect(Path from, Path outDir, String suffix) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(from)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                Path target = outDir.resolve(p.getFileName());
                Files.move(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                out.add(target);
            }
        } catch (IOException e) {
            throw KrunpackException.external("cannot collect packages from " + from + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
