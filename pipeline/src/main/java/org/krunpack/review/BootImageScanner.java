package org.krunpack.review;

import org.krunpack.core.KrunpackException;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks for what a boot loader accepts in a file's first bytes: an x86 bzImage setup header, a
 * PE/EFI executable (and a UKI's {@code .linux} section), a multiboot or multiboot2 header in the
 * first 32 KiB, an ELF kernel image. Returns a description per signature found.
 */
public final class BootImageScanner {
    /** Bytes of a file's start that {@link #scan} needs (multiboot2 searches 32 KiB). */
    public static final int HEAD = 32 * 1024;
    private static final int MB1_MAGIC = 0x1BADB002;
    private static final int MB2_MAGIC = 0xE85250D6;

    private BootImageScanner() {
    }

    /**
     * @param head the file's first bytes (at least {@link #HEAD} when the file is that long)
     * @param whole the whole file when it is an ELF (for section headers), else may equal head
     */
    public static List<String> scan(byte[] head, byte[] whole) {
        List<String> found = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length >= 0x206 && head[0x202] == 'H' && head[0x203] == 'd' && head[0x204] == 'r' && head[0x205] == 'S') {
            found.add("x86 bzImage setup header ('HdrS' at 0x202)");
        }
        if (head.length >= 0x40 && head[0] == 'M' && head[1] == 'Z') {
            long peOff = Integer.toUnsignedLong(b.getInt(0x3c));
            if (peOff + 24 <= head.length && head[(int) peOff] == 'P' && head[(int) peOff + 1] == 'E'
                    && head[(int) peOff + 2] == 0 && head[(int) peOff + 3] == 0) {
                found.add("PE/COFF executable (MZ + PE header at 0x" + Long.toHexString(peOff) + "): an EFI stub");
                peSections(b, (int) peOff).stream().filter(s -> s.equals(".linux")).findFirst()
                        .ifPresent(s -> found.add("Unified Kernel Image (PE section .linux)"));
            }
        }
        for (int p = 0; p + 12 <= Math.min(head.length, 8192); p += 4) {
            if (b.getInt(p) == MB1_MAGIC && b.getInt(p) + b.getInt(p + 4) + b.getInt(p + 8) == 0) {
                found.add("multiboot header at 0x" + Integer.toHexString(p));
                break;
            }
        }
        for (int p = 0; p + 16 <= Math.min(head.length, HEAD); p += 8) {
            if (b.getInt(p) == MB2_MAGIC && b.getInt(p) + b.getInt(p + 4) + b.getInt(p + 8) + b.getInt(p + 12) == 0) {
                found.add("multiboot2 header at 0x" + Integer.toHexString(p));
                break;
            }
        }
        if (ElfFile.hasElfMagic(head) && head.length >= 52) {
            // e_type and e_entry from the header itself (any class and byte order); section names
            // through krunpack's ELF reader when it is an ELF64 little-endian file.
            boolean is64 = head[4] == 2;
            ByteBuffer h = ByteBuffer.wrap(head).order(head[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int type = h.getShort(16) & 0xffff;
            long entry = is64 && head.length >= 32 ? h.getLong(24) : Integer.toUnsignedLong(h.getInt(24));
            if (type == Elf.ET_EXEC) {
                boolean kernelEntry = Long.compareUnsigned(entry, 0xffffffff80000000L) >= 0 || entry == 0x1000000L
                        || (!is64 && Long.compareUnsigned(entry, 0xc0000000L) >= 0);
                boolean kernelSections = false;
                try {
                    ElfFile elf = ElfFile.parse("payload file", whole);
                    kernelSections = elf.section("__ksymtab").isPresent() || elf.section(".head.text").isPresent();
                } catch (KrunpackException e) {
                    // not ELF64 little-endian, or malformed: the header fields above still count
                }
                if (kernelEntry || kernelSections) {
                    found.add("ELF kernel image (ET_EXEC, entry 0x" + Long.toHexString(entry)
                            + (kernelSections ? ", kernel sections" : "") + ")");
                }
            }
        }
        return found;
    }

    private static List<String> peSections(ByteBuffer b, int pe) {
        List<String> names = new ArrayList<>();
        try {
            int nsec = b.getShort(pe + 6) & 0xffff;
            int optSize = b.getShort(pe + 20) & 0xffff;
            int table = pe + 24 + optSize;
            for (int i = 0; i < nsec && table + i * 40 + 8 <= b.capacity(); i++) {
                byte[] n = new byte[8];
                b.get(table + i * 40, n);
                int len = 0;
                while (len < 8 && n[len] != 0) {
                    len++;
                }
                names.add(new String(n, 0, len, StandardCharsets.ISO_8859_1));
            }
        } catch (RuntimeException e) {
            // a truncated header: report what was read
        }
        return names;
    }
}
