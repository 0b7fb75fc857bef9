package org.krunpack.bundle;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.Problems;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a kernel image into {@code libkrunfw[-variant].so.<version>} with its two links
 * (docs/bundle.md). The assembler pulls the image's segments in with {@code .incbin} (offset and
 * length; zero gaps and padding) into a 64 KiB-aligned array in {@code .data}; a few lines of
 * generated C provide {@code krunfw_get_kernel} and {@code krunfw_get_version}; gcc links the
 * library stripped. Nothing copies or holds the payload in Java. Same inputs and toolchain give a
 * byte-identical library.
 */
public final class Bundler {
    private Bundler() {
    }

    /** Builds the library into {@code <outDir>/bundle/}, replacing it only once complete. */
    public static BundleResult bundle(BundleRequest req) {
        validate(req);
        KernelPayload payload = KernelPayload.of(req.image(), req.arch());
        Toolchain tc = Toolchain.forArch(req.arch());
        Path outDir = req.outDir().toAbsolutePath().normalize();
        Path bundleDir = outDir.resolve("bundle");
        long[] sizes = {-1, -1};
        AtomicFiles.writeDirectory(bundleDir, tmp -> {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path work = Files.createTempDirectory(outDir, ".bundle-work.");
            try {
                build(req, payload, tc, work, tmp, sizes);
            } finally {
                AtomicFiles.deleteTree(work);
            }
        });
        Path lib = bundleDir.resolve(req.libraryFileName());
        return new BundleResult(lib, List.of(bundleDir.resolve(req.soname()), bundleDir.resolve(req.devLinkName())),
                req.soname(), req.image(), payload.size(), payload.loadAddr(), payload.entryAddr(), sizes[0],
                sizes[1], Digests.sha512(lib));
    }

    private static void validate(BundleRequest req) {
        Problems p = new Problems("bundle");
        if (req.image() == null) {
            p.add("--image", "no kernel image given");
        } else if (!Files.isRegularFile(req.image())) {
            p.add("--image", req.image() + " not found (build it with 'krunpack build', or pass --image FILE)");
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
            p.add(option, file + " not found");
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

    private static void build(BundleRequest req, KernelPayload payload, Toolchain tc, Path work, Path dest,
                              long[] sizes) throws IOException {
        // The assembler reads the image's segments itself (.incbin with offset and length): the
        // payload is never copied by us. Links give the inputs fixed relative names.
        Files.createSymbolicLink(work.resolve("image"), req.image().toAbsolutePath());
        if (req.tee()) {
            sizes[0] = Files.size(req.qboot());
            sizes[1] = Files.size(req.initrd());
            Files.createSymbolicLink(work.resolve("qboot"), req.qboot().toAbsolutePath());
            Files.createSymbolicLink(work.resolve("initrd"), req.initrd().toAbsolutePath());
        }
        Files.writeString(work.resolve("bundle.s"), assembly(req.tee(), payload, sizes));
        Files.writeString(work.resolve("krunfw.c"), cSource(req, payload, sizes));
        // Relative names and a fixed environment: nothing about this machine or directory leaks in.
        // -s: the linker writes the library stripped (no .symtab), in one pass.
        Map<String, String> env = Map.of("LC_ALL", "C", "TMPDIR", work.toString(), "SOURCE_DATE_EPOCH", "0");
        Path lib = dest.resolve(req.libraryFileName());
        Tools.check(List.of(tc.gcc().toString(), "-O2", "-fPIC", "-shared", "-s", "-Wl,-soname," + req.soname(),
                "-Wl,--build-id=sha1", "-Wl,-z,noexecstack", "-o", lib.toString(), "krunfw.c", "bundle.s"),
                work, env);
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dest.resolve(req.soname()), Path.of(req.libraryFileName()));
        Files.createSymbolicLink(dest.resolve(req.devLinkName()), Path.of(req.soname()));
    }

    /** The data: each array 64 KiB-aligned in .data (writable), exported, with a hidden alias for the C code. */
    static String assembly(boolean tee, KernelPayload payload, long[] teeSizes) {
        StringBuilder s = new StringBuilder();
        s.append("# Generated by krunpack (docs/bundle.md): the payload arrays, writable and 64 KiB-aligned.\n");
        s.append("\t.section .note.GNU-stack,\"\",%progbits\n");
        s.append("\t.data\n");
        head(s, "KERNEL_BUNDLE", "krunpack_kernel", payload.size());
        long pos = 0;
        for (KernelPayload.Piece p : payload.pieces()) {
            if (p.payloadOffset() > pos) {
                s.append("\t.zero ").append(p.payloadOffset() - pos).append('\n');
            }
            s.append("\t.incbin \"image\", ").append(p.fileOffset()).append(", ").append(p.length()).append('\n');
            pos = p.payloadOffset() + p.length();
        }
        if (payload.size() > pos) {
            s.append("\t.zero ").append(payload.size() - pos).append('\n');
        }
        if (tee) {
            head(s, "QBOOT_BUNDLE", "krunpack_qboot", teeSizes[0]);
            s.append("\t.incbin \"qboot\"\n");
            head(s, "INITRD_BUNDLE", "krunpack_initrd", teeSizes[1]);
            s.append("\t.incbin \"initrd\"\n");
        }
        return s.toString();
    }

    private static void head(StringBuilder s, String exported, String hidden, long size) {
        s.append("\t.balign 65536\n");
        s.append("\t.globl ").append(exported).append('\n');
        s.append("\t.type ").append(exported).append(", %object\n");
        s.append("\t.size ").append(exported).append(", ").append(size).append('\n');
        s.append("\t.globl ").append(hidden).append('\n');
        s.append("\t.hidden ").append(hidden).append('\n');
        s.append(exported).append(":\n");
        s.append(hidden).append(":\n");
    }

    /** The exported functions (there is no upstream header: these are the signatures libkrun declares). */
    static String cSource(BundleRequest req, KernelPayload payload, long[] teeSizes) {
        StringBuilder c = new StringBuilder();
        c.append("/* Generated by krunpack (docs/bundle.md): the libkrunfw ABI. */\n");
        c.append("#include <stddef.h>\n\n");
        c.append("extern char krunpack_kernel[] __attribute__((visibility(\"hidden\")));\n");
        if (req.tee()) {
            c.append("extern char krunpack_qboot[] __attribute__((visibility(\"hidden\")));\n");
            c.append("extern char krunpack_initrd[] __attribute__((visibility(\"hidden\")));\n");
        }
        c.append("\nchar *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)\n{\n");
        c.append(String.format(Locale.ROOT, "\t*load_addr = 0x%xUL;\n", payload.loadAddr()));
        c.append(String.format(Locale.ROOT, "\t*entry_addr = 0x%xUL;\n", payload.entryAddr()));
        c.append(String.format(Locale.ROOT, "\t*size = 0x%xUL;\n", payload.size()));
        c.append("\treturn krunpack_kernel;\n}\n\n");
        if (req.tee()) {
            getter(c, "krunfw_get_qboot", "krunpack_qboot", teeSizes[0]);
            getter(c, "krunfw_get_initrd", "krunpack_initrd", teeSizes[1]);
        }
        c.append("int krunfw_get_version(void)\n{\n\treturn ").append(req.abi()).append(";\n}\n");
        return c.toString();
    }

    private static void getter(StringBuilder c, String fn, String array, long size) {
        c.append("char *").append(fn).append("(size_t *size)\n{\n");
        c.append(String.format(Locale.ROOT, "\t*size = 0x%xUL;\n", size));
        c.append("\treturn ").append(array).append(";\n}\n\n");
    }

    /** The compiler for a target: the host's own gcc, or a cross gcc. */
    record Toolchain(Path gcc) {
        static Toolchain forArch(Arch arch) {
            if (arch == hostArch()) {
                return new Toolchain(Tools.require("gcc", "gcc", "gcc"));
            }
            String cross = arch.rpmName() + "-linux-gnu-gcc";
            return new Toolchain(Tools.require(cross, "gcc-" + arch.rpmName().replace('_', '-') + "-linux-gnu",
                    "gcc-" + arch.rpmName() + "-linux-gnu"));
        }
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
