package org.krunpack.bundle;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.Problems;
import org.krunpack.elf.SharedObjectWriter;
import org.krunpack.elf.SharedObjectWriter.Written;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Turns a kernel image into {@code libkrunfw[-variant].so.<version>} with its two links
 * (docs/bundle.md). No compiler, assembler or linker: {@link SharedObjectWriter} writes the ELF
 * shared object itself, the functions are a few instructions from {@link KrunfwCode}, and the
 * image's segments are streamed into a 64 KiB-aligned array in {@code .data} (zero gaps and
 * padding), never held whole in memory. Same inputs give a byte-identical library, on any host,
 * for any of the three architectures.
 */
public final class Bundler {
    private Bundler() {
    }

    /** Builds the library into {@code <outDir>/bundle/}, replacing it only once complete. */
    public static BundleResult bundle(BundleRequest req) {
        validate(req);
        KernelPayload payload = KernelPayload.of(req.image(), req.arch());
        Path outDir = req.outDir().toAbsolutePath().normalize();
        Path bundleDir = outDir.resolve("bundle");
        long[] sizes = {-1, -1};
        Written[] written = new Written[1];
        AtomicFiles.writeDirectory(bundleDir, tmp -> {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            written[0] = build(req, payload, tmp, sizes);
        });
        Path lib = bundleDir.resolve(req.libraryFileName());
        return new BundleResult(lib, List.of(bundleDir.resolve(req.soname()), bundleDir.resolve(req.devLinkName())),
                req.soname(), req.image(), payload.size(), payload.loadAddr(), payload.entryAddr(), sizes[0],
                sizes[1], sha512(lib), written[0].buildIdHex());
    }

    private static void validate(BundleRequest req) {
        Problems p = new Problems("bundle");
        if (req.image() == null) {
            p.add("--image", "no kernel image given");
        } else if (!Files.isRegularFile(req.image())) {
            String kind = org.krunpack.core.Inputs.kind(req.image());
            p.add("--image", kind.equals("missing")
                    ? req.image() + " not found (build it with 'krunpack build', or pass --image FILE)"
                    : req.image() + " is " + kind + ", not a regular file; name the kernel image file");
        }
        if (req.version() == null || !req.version().matches("[0-9]+(\\.[0-9]+)*")) {
            p.add("libkrunfw.version", "'" + req.version() + "' is not a version like 5.5.0");
        }
        if (req.abi() < 0) {
            p.add("libkrunfw.abi", req.abi() + " is negative");
        }
        if (req.tee()) {
            String v = req.variant().id();
            checkInput(p, "--qboot", req.qboot(), "the " + v + " variant needs the qboot firmware (libkrunfw ships"
                    + " it prebuilt as qboot.bin): pass --qboot FILE");
            checkInput(p, "--initrd", req.initrd(), "the " + v + " variant needs an initrd (libkrunfw ships it"
                    + " prebuilt): pass --initrd FILE");
        } else {
            if (req.qboot() != null) {
                p.add("--qboot", "only the sev and tdx variants carry qboot; this project's variant is generic");
            }
            if (req.initrd() != null) {
                p.add("--initrd", "only the sev and tdx variants carry an initrd; this project's variant is generic");
            }
        }
        p.throwIfAny();
    }

    private static void checkInput(Problems p, String option, Path file, String ifMissing) {
        if (file == null) {
            p.add(option, ifMissing);
        } else if (!Files.isRegularFile(file)) {
            p.add(option, org.krunpack.core.Inputs.regularFileProblem(file));
        } else {
            try {
                if (Files.size(file) == 0) {
                    p.add(option, file + " is empty");
                }
            } catch (IOException e) {
                p.add(option, file + ": cannot read: " + e.getMessage());
            }
        }
    }

    private static Written build(BundleRequest req, KernelPayload payload, Path dest, long[] sizes)
            throws IOException {
        KrunfwCode code = KrunfwCode.forArch(req.arch());
        SharedObjectWriter so = new SharedObjectWriter(code.machine(), code.flags(), req.soname());
        int[] property = code.gnuProperty();
        if (property != null) {
            so.gnuProperty(property[0], property[1]);
        }
        so.function("krunfw_get_kernel", code.kernelGetter(payload.loadAddr(), payload.entryAddr(), payload.size(),
                "KERNEL_BUNDLE"));
        FileContent qboot = null;
        FileContent initrd = null;
        if (req.tee()) {
            sizes[0] = Files.size(req.qboot());
            sizes[1] = Files.size(req.initrd());
            // as libkrunfw's own bundles: each blob rounded up to 64 KiB with zeros, the rounded
            // size returned (libkrun puts the initrd that many bytes below the end of guest RAM, so
            // it stays 64 KiB-aligned whatever the file's size)
            qboot = new FileContent(req.qboot(), sizes[0]);
            initrd = new FileContent(req.initrd(), sizes[1]);
            so.function("krunfw_get_qboot", code.getter(qboot.size(), "QBOOT_BUNDLE"));
            so.function("krunfw_get_initrd", code.getter(initrd.size(), "INITRD_BUNDLE"));
        }
        so.function("krunfw_get_version", code.version(req.abi()));
        so.data("KERNEL_BUNDLE", payload.size(), KernelPayload.ALIGN, new PayloadContent(payload));
        if (req.tee()) {
            so.data("QBOOT_BUNDLE", qboot.size(), KernelPayload.ALIGN, qboot);
            so.data("INITRD_BUNDLE", initrd.size(), KernelPayload.ALIGN, initrd);
        }
        Path lib = dest.resolve(req.libraryFileName());
        Written w = so.write(lib);
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dest.resolve(req.soname()), Path.of(req.libraryFileName()));
        Files.createSymbolicLink(dest.resolve(req.devLinkName()), Path.of(req.soname()));
        return w;
    }

    /** The kernel payload: the image's pieces, zero gaps, zero padding to its 64 KiB-rounded size. */
    private record PayloadContent(KernelPayload payload) implements SharedObjectWriter.Content {
        @Override
        public long size() {
            return payload.size();
        }

        @Override
        public void writeTo(SharedObjectWriter.Sink sink) throws IOException {
            try (FileChannel in = FileChannel.open(payload.image(), StandardOpenOption.READ)) {
                long pos = 0;
                for (KernelPayload.Piece p : payload.pieces()) {
                    sink.zeros(p.payloadOffset() - pos);
                    sink.copy(in, p.fileOffset(), p.length());
                    pos = p.payloadOffset() + p.length();
                }
                sink.zeros(payload.size() - pos);
            }
        }
    }

    /** {@code size} rounded up to a multiple of 64 KiB. */
    static long padded(long size) {
        return (size + KernelPayload.ALIGN - 1) / KernelPayload.ALIGN * KernelPayload.ALIGN;
    }

    /** A whole file (qboot, initrd) of the size it had when validated, then zeros up to 64 KiB. */
    private record FileContent(Path file, long fileSize) implements SharedObjectWriter.Content {
        @Override
        public long size() {
            return padded(fileSize);
        }

        @Override
        public void writeTo(SharedObjectWriter.Sink sink) throws IOException {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                sink.copy(in, 0, fileSize);
            }
            sink.zeros(size() - fileSize);
        }
    }

    /**
     * The library's SHA-512, from coreutils' {@code sha512sum} when it runs, else computed here.
     * Measured on a 15 MB library: about 0.05 s of CPU for the tool against 0.15-0.25 s for
     * {@code MessageDigest} in a JVM that has just started (the digest runs interpreted until the
     * JIT compiles it), which is most of what a bundle costs (docs/benchmarks.md, "Bundle").
     */
    static String sha512(Path lib) {
        try {
            Process p = new ProcessBuilder("sha512sum", "-b", lib.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() == 0 && out.length > 128 && out[128] == ' ' && isLowerHex(out, 128)) {
                return new String(out, 0, 128, java.nio.charset.StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            // no sha512sum: compute it here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Digests.sha512(lib);
    }

    private static boolean isLowerHex(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (!(b[i] >= '0' && b[i] <= '9' || b[i] >= 'a' && b[i] <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The architecture this JVM runs on, or null when it is none of ours. */
    public static Arch hostArch() {
        String a = System.getProperty("os.arch", "");
        return switch (a) {
            case "amd64", "x86_64" -> Arch.X86_64;
            case "aarch64", "arm64" -> Arch.AARCH64;
            case "riscv64" -> Arch.RISCV64;
            default -> null;
        };
    }
}
