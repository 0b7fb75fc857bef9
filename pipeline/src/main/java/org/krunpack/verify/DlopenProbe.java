package org.krunpack.verify;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads a library with {@code dlopen} in krunpack's own C probe ({@code krunfw-probe.c}, compiled
 * once with the host gcc and cached by digest), inside the {@link Sandbox}, and reads back what its
 * functions returned. krunpack's process never loads the library: a crash, an assertion in ld.so,
 * a hang or a constructor with side effects stays in the sandbox and is reported.
 */
final class DlopenProbe {
    private static final String SOURCE = "krunfw-probe.c";

    /** A getter's result: pointer, the values written through its arguments, SHA-256 when read. */
    record Blob(long pointer, long loadAddr, long entryAddr, long size, Optional<String> sha256, boolean outside) {
    }

    /** A PT_LOAD of the loaded object as ld.so mapped it (file addresses). */
    record Segment(long vaddr, long memsz, int flags) {
    }

    /**
     * What the probe saw.
     *
     * @param end          how the loading child ended: "exit N", "signal N", or why there is no answer
     * @param stray        output that did not come from the probe (the library printed it)
     * @param createdFiles files that appeared in the sandbox's scratch directory during the run
     */
    record Report(boolean loaded, String dlopenError, long bias, List<Segment> segments, Map<String, Long> symbols,
                  Integer version, Blob kernel, Map<String, Blob> blobs, String end, boolean crashed,
                  List<String> stray, List<String> createdFiles, String stderr, Sandbox.Result raw) {

        boolean exitedCleanly() {
            return end.equals("exit 0");
        }
    }

    private DlopenProbe() {
    }

    /**
     * How the probe is built and started for a library's arch: natively (host gcc, run directly), or
     * for a foreign arch with the cross gcc against its glibc sysroot and run under QEMU's user
     * emulation ({@code qemu-<arch>-static -L <sysroot>}).
     *
     * @param arch     the library's arch
     * @param gcc      the compiler name ({@code gcc} or {@code <arch>-linux-gnu-gcc})
     * @param emulator the command prefix that runs a binary of the arch ({@code []} when native)
     */
    record Target(Arch arch, String gcc, List<String> emulator) {
        static Target host() {
            return new Target(null, "gcc", List.of());
        }

        /**
         * The cross target for {@code arch}.
         *
         * @throws KrunpackException external (3) naming the packages to install when a tool is missing
         */
        static Target foreign(Arch arch) {
            String triple = arch.rpmName() + "-linux-gnu";
            Path sysroot = Path.of("/usr", triple);
            String qemuPkg = "qemu-user-static";
            List<String> missing = new ArrayList<>();
            if (Tools.which(triple + "-gcc").isEmpty()) {
                missing.add(triple + "-gcc (Debian: gcc-" + triple + "; Fedora: gcc-" + triple + ")");
            }
            if (!Files.isRegularFile(sysroot.resolve("lib/libc.so.6"))) {
                missing.add("a glibc sysroot in " + sysroot + " (Debian: libc6-dev-"
                        + (arch == Arch.AARCH64 ? "arm64" : arch.rpmName()) + "-cross)");
            }
            Optional<Path> qemu = Tools.which("qemu-" + arch.rpmName() + "-static")
                    .or(() -> Tools.which("qemu-" + arch.rpmName()));
            if (qemu.isEmpty()) {
                missing.add("qemu-" + arch.rpmName() + "-static (Debian and Fedora: " + qemuPkg + ")");
            }
            if (!missing.isEmpty()) {
                throw KrunpackException.external("calling a " + arch.rpmName() + " library's functions needs "
                        + String.join(", ", missing) + ": install them (scripts/setup-deps)");
            }
            return new Target(arch, triple + "-gcc", List.of(qemu.get().toString(), "-L", sysroot.toString()));
        }
    }

    /** The compiled probe for this host (gcc from the PATH), from the cache or compiled now. */
    static Path executable() {
        return executable(Target.host());
    }

    /** The compiled probe for {@code target}, from the cache or compiled now. */
    static Path executable(Target target) {
        String source = source();
        Path gcc = Tools.which(target.gcc()).orElseThrow(() -> KrunpackException.external(target.gcc()
                + " is not on the PATH: verify-lib compiles its dlopen probe with it (Debian: apt-get install gcc;"
                + " Fedora: dnf install gcc)"));
        Tools.Result v = Tools.run(List.of(gcc.toString(), "-dumpfullversion", "-dumpmachine"), null, Map.of());
        String key = Digests.sha256((source + "\0" + target.gcc() + "\0" + v.stdout()).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        Path dir = cacheDir().resolve("probe");
        Path exe = dir.resolve("krunfw-probe-" + key);
        if (Files.isExecutable(exe)) {
            return exe;
        }
        try {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, ".build-");
            try {
                Path c = Files.writeString(work.resolve(SOURCE), source);
                Path out = work.resolve("krunfw-probe");
                Tools.Result r = Tools.run(List.of(gcc.toString(), "-O1", "-Wall", "-o", out.toString(), c.toString(),
                        "-ldl"), work, Map.of());
                if (!r.ok()) {
                    throw KrunpackException.external("gcc could not compile krunpack's dlopen probe" + Tools.tail(":\n",
                            r.stderr(), 10));
                }
                try {
                    Files.move(out, exe, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(out, exe, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                AtomicFiles.deleteTree(work);
            }
        } catch (IOException e) {
            throw KrunpackException.external("cannot write krunpack's probe under " + dir + ": " + e.getMessage(), e);
        }
        return exe;
    }

    /** {@code $XDG_CACHE_HOME/krunpack}, else {@code ~/.cache/krunpack}. */
    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("krunpack");
    }

    static String source() {
        try (InputStream in = DlopenProbe.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SOURCE + " missing from krunpack");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the probe on {@code library} with {@code sandbox} (which must be able to run). */
    static Report run(Path library, Sandbox sandbox, Duration timeout) {
        return run(library, sandbox, timeout, Target.host());
    }

    /** Runs the probe built for {@code target} (under its emulator, in the sandbox) on {@code library}. */
    static Report run(Path library, Sandbox sandbox, Duration timeout, Target target) {
        return run(library, sandbox, timeout, target, null);
    }

    /**
     * As {@link #run(Path, Sandbox, Duration, Target)}; with {@code dumpTo}, the bytes the getters
     * hand out are also copied to {@code dumpTo/kernel}, {@code qboot}, {@code initrd}.
     */
    static Report run(Path library, Sandbox sandbox, Duration timeout, Target target, Path dumpTo) {
        Path exe = executable(target);
        byte[] nonce = new byte[8];
        new SecureRandom().nextBytes(nonce);
        String tag = "krunpack-" + HexFormat.of().formatHex(nonce);
        Path scratch;
        try {
            scratch = Files.createTempDirectory("krunpack-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> cmd = new ArrayList<>(target.emulator());
            cmd.addAll(List.of(exe.toString(), tag, library.toAbsolutePath().normalize().toString()));
            Path dump = scratch.resolve("dump");
            if (dumpTo != null) {
                Files.createDirectories(dump);
                cmd.add(dump.toString());
            }
            Sandbox.Result r = sandbox.run(Sandbox.Request.of(cmd, scratch).withTimeout(timeout)
                    .withMaxOutput(256 * 1024));
            List<String> createdFiles = created(scratch);
            if (dumpTo != null) {
                Files.createDirectories(dumpTo);
                for (String name : List.of("kernel", "qboot", "initrd")) {
                    Path f = dump.resolve(name);
                    if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(f, dumpTo.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                createdFiles = createdFiles.stream().filter(c -> !c.startsWith("dump")).toList();
            }
            return parse(tag, r, createdFiles);
        } catch (IOException e) {
            throw KrunpackException.external("cannot pass the probe's files through " + scratch + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    /** Files the run left in scratch (the empty tmp directory krunpack made is not one). */
    private static List<String> created(Path scratch) {
        try (Stream<Path> s = Files.walk(scratch)) {
            return s.filter(p -> !p.equals(scratch) && !p.equals(scratch.resolve("tmp")))
                    .map(p -> scratch.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("(cannot list the scratch directory: " + e.getMessage() + ")");
        }
    }

    static Report parse(String tag, Sandbox.Result r, List<String> createdFiles) {
        boolean loaded = false;
        String dlopenError = null;
        long bias = 0;
        List<Segment> segments = new ArrayList<>();
        Map<String, Long> symbols = new LinkedHashMap<>();
        Integer version = null;
        Map<String, long[]> getters = new LinkedHashMap<>();
        Map<String, String> sha = new LinkedHashMap<>();
        List<String> outside = new ArrayList<>();
        String end = null;
        List<String> stray = new ArrayList<>();
        String prefix = tag + " ";
        for (String line : r.stdout().split("\n", -1)) {
            if (!line.startsWith(prefix)) {
                if (!line.isBlank()) {
                    stray.add(line.length() > 200 ? line.substring(0, 200) + "..." : line);
                }
                continue;
            }
            String[] f = line.substring(prefix.length()).split(" ", -1);
            try {
                switch (f[0]) {
                    case "loaded" -> {
                        loaded = true;
                        bias = hex(f[1]);
                    }
                    case "dlopen-error" -> dlopenError = line.substring(prefix.length() + "dlopen-error ".length());
                    case "segment" -> segments.add(new Segment(hex(f[1]), hex(f[2]), (int) hex(f[3])));
                    case "symbol" -> symbols.put(f[1], hex(f[2]));
                    case "version" -> version = Integer.parseInt(f[1]);
                    case "kernel" -> getters.put("kernel", new long[] {hex(f[1]), hex(f[2]), hex(f[3]), hex(f[4])});
                    case "blob" -> getters.put(f[1], new long[] {hex(f[2]), 0, 0, hex(f[3])});
                    case "sha256" -> sha.put(f[1], f[2]);
                    case "outside" -> outside.add(f[1]);
                    case "end" -> end = f[1] + " " + f[2];
                    case "dump-error" -> stray.add("the probe could not write the " + f[1] + " bytes");
                    default -> stray.add(line);
                }
            } catch (RuntimeException e) {
                stray.add(line);
            }
        }
        Map<String, Blob> blobs = new LinkedHashMap<>();
        getters.forEach((name, v) -> blobs.put(name, new Blob(v[0], v[1], v[2], v[3],
                Optional.ofNullable(sha.get(name)), outside.contains(name))));
        boolean crashed = false;
        if (end == null) {
            end = r.timedOut() ? "the probe " + r.describe() : "the probe ended without an answer (" + r.describe() + ")";
            crashed = true;
        } else if (end.startsWith("signal ")) {
            int s = Integer.parseInt(end.substring(7));
            end = "killed by " + Sandbox.signalName(s) + " (signal " + s + ")";
            crashed = true;
        } else if (!end.equals("exit 0") && !end.equals("exit 3")) {
            crashed = true; // ld.so's own assertions exit 127; a library calling exit() anything else
        }
        return new Report(loaded, dlopenError, bias, segments, symbols, version, blobs.get("kernel"),
                blobs, end, crashed, stray, createdFiles, r.stderr().strip(), r);
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}
