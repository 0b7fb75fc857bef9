package org.krunpack.smoke;

import org.krunpack.core.Tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Builds a libkrunfw-compatible library from a vmlinux for tests, until the real bundler is merged:
 * payload = the PT_LOAD segments laid out by p_paddr (file bytes only, gaps zero-filled, rounded to
 * 64 KiB), embedded with {@code .incbin} in a writable, 64 KiB-aligned array, plus
 * {@code krunfw_get_kernel} and {@code krunfw_get_version}.
 */
final class TestLibrary {
    /** The lead's kernel build (read only); override with -Dkrunpack.test.vmlinux=PATH. */
    static final Path VMLINUX = Path.of(System.getProperty("krunpack.test.vmlinux",
            "/tmp/kexp/linux-source-6.12/vmlinux"));

    private TestLibrary() {
    }

    record Payload(byte[] bytes, long loadAddr, long entryAddr) {
    }

    static Payload payload(Path vmlinux) throws IOException {
        try (FileChannel ch = FileChannel.open(vmlinux, StandardOpenOption.READ)) {
            ByteBuffer eh = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(eh, 0);
            long entry = eh.getLong(24);
            long phoff = eh.getLong(32);
            int phentsize = eh.getShort(54);
            int phnum = eh.getShort(56);
            ByteBuffer ph = ByteBuffer.allocate(phentsize * phnum).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(ph, phoff);
            long base = -1;
            long end = 0;
            long firstVaddr = -1;
            for (int i = 0; i < phnum; i++) {
                int o = i * phentsize;
                if (ph.getInt(o) != 1) {
                    continue;
                }
                long vaddr = ph.getLong(o + 16);
                long paddr = ph.getLong(o + 24);
                long filesz = ph.getLong(o + 32);
                if (base < 0) {
                    base = paddr;
                    firstVaddr = vaddr;
                }
                end = Math.max(end, paddr + filesz);
            }
            long size = (end - base + 0xffff) & ~0xffffL;
            byte[] out = new byte[(int) size];
            for (int i = 0; i < phnum; i++) {
                int o = i * phentsize;
                if (ph.getInt(o) != 1) {
                    continue;
                }
                long offset = ph.getLong(o + 8);
                long paddr = ph.getLong(o + 24);
                long filesz = ph.getLong(o + 32);
                ByteBuffer seg = ByteBuffer.wrap(out, (int) (paddr - base), (int) filesz);
                while (seg.hasRemaining()) {
                    if (ch.read(seg, offset + seg.position() - (paddr - base)) < 0) {
                        throw new IOException("short read in " + vmlinux);
                    }
                }
            }
            return new Payload(out, firstVaddr & 0xfffffffL, entry);
        }
    }

    /** Builds {@code dir/libkrunfw.so.5.5.0} from {@code payload}. */
    static Path build(Payload p, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("payload.bin"), p.bytes());
        Files.writeString(dir.resolve("bundle.S"), """
                .section .data
                .globl KERNEL_BUNDLE
                .balign 65536
                KERNEL_BUNDLE:
                .incbin "payload.bin"
                .section .note.GNU-stack,"",@progbits
                """);
        Files.writeString(dir.resolve("krunfw.c"), String.format("""
                #include <stddef.h>
                extern char KERNEL_BUNDLE[];
                char *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)
                {
                    *load_addr = 0x%xUL;
                    *entry_addr = 0x%xUL;
                    *size = %dUL;
                    return KERNEL_BUNDLE;
                }
                int krunfw_get_version(void) { return 5; }
                """, p.loadAddr(), p.entryAddr(), p.bytes().length));
        Path lib = dir.resolve("libkrunfw.so.5.5.0");
        Tools.check(List.of("gcc", "-shared", "-fPIC", "-Wl,-soname,libkrunfw.so.5", "-o", lib.toString(),
                "krunfw.c", "bundle.S"), dir, null);
        return lib;
    }
}
