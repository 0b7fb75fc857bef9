package org.krunpack.bundle;

import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.ElfBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small synthetic inputs for the library writer, one per architecture plus a SEV variant: a
 * two-segment vmlinux with a gap and .bss for x86_64, a short raw Image for aarch64 and riscv64,
 * and made-up qboot/initrd files. Small enough that the golden hex dumps stay readable.
 */
record BundleCases(String name, Arch arch, Variant variant) {
    static final long ENTRY = 0x1000010L;

    static List<BundleCases> all() {
        return List.of(new BundleCases("x86_64", Arch.X86_64, Variant.GENERIC),
                new BundleCases("aarch64", Arch.AARCH64, Variant.GENERIC),
                new BundleCases("riscv64", Arch.RISCV64, Variant.GENERIC),
                new BundleCases("sev", Arch.X86_64, Variant.SEV),
                new BundleCases("tdx-riscv64", Arch.RISCV64, Variant.TDX));
    }

    /** The kernel image for this case, written under {@code dir}. */
    Path image(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (arch == Arch.X86_64) {
            byte[] vmlinux = new ElfBuilder().type(2).machine(62).entry(ENTRY)
                    .load(0xffffffff81000000L, 0x1000000L, ascii("krunpack test kernel: text seg. "), 32)
                    .load(0xffffffff81002000L, 0x1002000L, ascii("data, then bss."), 4096)
                    .build();
            return Files.write(dir.resolve("vmlinux"), vmlinux);
        }
        return Files.write(dir.resolve("Image"), ascii("MZ krunpack test Image for " + arch.rpmName() + ".\n"));
    }

    Path qboot(Path dir) throws IOException {
        return variant == Variant.GENERIC ? null : Files.write(dir.resolve("qboot.bin"), ascii("qboot firmware stand-in"));
    }

    Path initrd(Path dir) throws IOException {
        return variant == Variant.GENERIC ? null : Files.write(dir.resolve("initrd"), ascii("070701 initrd stand-in, 40 bytes long.."));
    }

    /** A request for this case with inputs under {@code in} and output under {@code out}. */
    BundleRequest request(Path in, Path out) throws IOException {
        return new BundleRequest(image(in), arch, variant, "5.5.0", 5, out, qboot(in), initrd(in));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return name;
    }
}
