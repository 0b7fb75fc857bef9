package org.krunpack.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Kernel images for bundle tests: a synthetic x86_64 vmlinux laid out like a real one (kernel
 * virtual addresses at 0xffffffff81000000, a per-CPU segment at virtual 0, gaps, .bss), the real
 * vmlinux when one is configured, and the reference payload computed from program headers by
 * code separate from krunpack's.
 */
public final class TestKernels {
    public static final long ENTRY = 0x1000000L;

    private TestKernels() {
    }

    /** A synthetic vmlinux: four PT_LOAD segments with gaps, .bss and a PT_NOTE; entry 0x1000000. */
    public static byte[] fakeVmlinux(long seed) {
        Random r = new Random(seed);
        return new ElfBuilder().type(2).machine(62).entry(ENTRY)
                .load(0xffffffff81000000L, 0x1000000L, random(r, 200_000), 200_000)
                .load(0xffffffff81200000L, 0x1200000L, random(r, 50_001), 50_001)
                .load(0L, 0x1300000L, random(r, 3_000), 3_000)
                .load(0xffffffff81304000L, 0x1304000L, random(r, 10_000), 90_000)
                .note(new ElfBuilder.Note("Xen", 18, new byte[] {0x10, 0, 0, 1, 0, 0, 0, 0}))
                .build();
    }

    public static Path writeFakeVmlinux(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve("vmlinux"), fakeVmlinux(seed));
    }

    /** {@link #writeFakeVmlinux} for lambdas and fields: I/O errors become unchecked. */
    public static Path writeFakeVmlinuxUnchecked(Path dir, long seed) {
        try {
            return writeFakeVmlinux(dir, seed);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /**
     * A real vmlinux: the one named by -Dkrunpack.test.vmlinux or $KRUNPACK_TEST_VMLINUX, else the
     * repository's {@code out/kernel/vmlinux} when the main job has built one.
     */
    public static Optional<Path> realVmlinux() {
        String p = System.getProperty("krunpack.test.vmlinux", System.getenv("KRUNPACK_TEST_VMLINUX"));
        Path path = p == null || p.isBlank() ? Path.of("../out/kernel/vmlinux") : Path.of(p);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /** The reference payload of a vmlinux. */
    public record Reference(byte[] payload, long loadAddr, long entryAddr) {
    }

    /**
     * Computes the payload straight from the ELF program headers with a few ByteBuffer reads:
     * PT_LOAD segments in file order, p_filesz bytes each at p_paddr - first p_paddr, zero gaps,
     * padded to 64 KiB.
     */
    public static Reference reference(Path vmlinux) throws IOException {
        ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(vmlinux)).order(ByteOrder.LITTLE_ENDIAN);
        long entry = f.getLong(24);
        int phoff = (int) f.getLong(32);
        int phentsize = f.getShort(54) & 0xffff;
        int phnum = f.getShort(56) & 0xffff;
        List<long[]> loads = new ArrayList<>(); // offset, vaddr, paddr, filesz
        for (int i = 0; i < phnum; i++) {
            int h = phoff + i * phentsize;
            if (f.getInt(h) == 1) {
                loads.add(new long[] {f.getLong(h + 8), f.getLong(h + 16), f.getLong(h + 24), f.getLong(h + 32)});
            }
        }
        long base = loads.get(0)[2];
        long[] last = loads.get(loads.size() - 1);
        long end = last[2] + last[3] - base;
        byte[] out = new byte[(int) ((end + 65535) / 65536 * 65536)];
        for (long[] l : loads) {
            f.get((int) l[0], out, (int) (l[2] - base), (int) l[3]);
        }
        return new Reference(out, loads.get(0)[1] & 0xfffffffL, entry);
    }
}
