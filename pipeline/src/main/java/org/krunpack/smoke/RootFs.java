package org.krunpack.smoke;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The guest's root: a directory holding a static {@code /init} (our {@code init.c}, compiled with
 * {@code gcc -static -Os}) and the list of paths the file probes check, and an ext4 image of it
 * made without root privileges ({@code mke2fs -t ext4 -d DIR}).
 *
 * @param dir   the root directory (libkrun boots it as it is)
 * @param image the ext4 image (QEMU boots it as a virtio-blk disk)
 */
public record RootFs(Path dir, Path image) {
    static final String INIT_SOURCE = "/org/krunpack/smoke/init.c";
    static final String IMAGE_SIZE = "64M";

    /**
     * Builds the root under {@code workDir}. {@code init} replaces our init (a static binary) when
     * not null.
     */
    public static RootFs build(Path workDir, Path init, List<String> probeFiles) {
        return build(workDir, init, probeFiles, "gcc");
    }

    /**
     * As {@link #build(Path, Path, List)}, our init compiled with {@code gcc} (a cross compiler such
     * as {@code aarch64-linux-gnu-gcc} for a foreign guest).
     */
    public static RootFs build(Path workDir, Path init, List<String> probeFiles, String gcc) {
        Path dir = workDir.resolve("root");
        Path image = workDir.resolve("root.ext4");
        try {
            org.krunpack.core.AtomicFiles.deleteTree(dir);
            Files.createDirectories(dir);
            for (String d : List.of("proc", "sys", "dev", "tmp", "run")) {
                Files.createDirectories(dir.resolve(d));
            }
            Path target = dir.resolve("init");
            if (init != null) {
                if (!Files.isRegularFile(init)) {
                    throw KrunpackException.usage("--init " + init + " does not exist");
                }
                Files.copy(init, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                compileInit(workDir, target, gcc);
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("krunpack-files"), String.join("\n", probeFiles) + "\n");
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw KrunpackException.external("cannot prepare the guest root in " + dir + ": " + e.getMessage());
        }
        Path mke2fs = Tools.which("mke2fs").or(() -> existing(Path.of("/usr/sbin/mke2fs")))
                .or(() -> existing(Path.of("/sbin/mke2fs")))
                .orElseThrow(() -> KrunpackException.external("mke2fs not found: install it (Debian: apt-get"
                        + " install e2fsprogs; Fedora: dnf install e2fsprogs)"));
        Tools.check(List.of(mke2fs.toString(), "-q", "-F", "-t", "ext4", "-E", "root_owner=0:0",
                "-d", dir.toString(), image.toString(), IMAGE_SIZE), workDir, null);
        return new RootFs(dir, image);
    }

    /**
     * Compiles our init statically (needs gcc and static glibc: Fedora glibc-static). The binary is
     * kept as {@code workDir/init.bin} next to its source and reused while the source is unchanged.
     */
    static void compileInit(Path workDir, Path target) throws IOException {
        compileInit(workDir, target, "gcc");
    }

    static void compileInit(Path workDir, Path target, String gccName) throws IOException {
        byte[] source;
        try (InputStream in = RootFs.class.getResourceAsStream(INIT_SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + INIT_SOURCE);
            }
            source = in.readAllBytes();
        }
        Path src = workDir.resolve("init.c");
        Path bin = workDir.resolve(gccName.equals("gcc") ? "init.bin" : "init." + gccName + ".bin");
        boolean fresh = Files.isRegularFile(bin) && Files.isRegularFile(src)
                && java.util.Arrays.equals(Files.readAllBytes(src), source);
        if (!fresh) {
            Files.deleteIfExists(bin);
            Files.write(src, source);
            String triple = gccName.endsWith("-gcc") ? gccName.substring(0, gccName.length() - 4) : null;
            Path gcc = triple == null ? Tools.require("gcc", "gcc libc6-dev", "gcc glibc-static")
                    : Tools.require(gccName, "gcc-" + triple + " libc6-dev-"
                    + (triple.startsWith("aarch64") ? "arm64" : triple.substring(0, triple.indexOf('-'))) + "-cross",
                    "gcc-" + triple + " (and a static glibc for " + triple + ")");
            Tools.Result r = Tools.run(List.of(gcc.toString(), "-static", "-Os", "-o", bin.toString(),
                    src.toString()), workDir, null);
            if (!r.ok()) {
                Files.deleteIfExists(bin);
                throw KrunpackException.external(gccName + " -static could not build the guest init " + src
                        + " (static glibc is needed: Debian libc6-dev, Fedora glibc-static)"
                        + Tools.tail("\n", r.stderr(), 20));
            }
        }
        Files.copy(bin, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static java.util.Optional<Path> existing(Path p) {
        return Files.isExecutable(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }
}
