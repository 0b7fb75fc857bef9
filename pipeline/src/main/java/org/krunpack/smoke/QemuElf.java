package org.krunpack.smoke;

import org.krunpack.core.AtomicFiles;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Wraps a library's kernel payload in the smallest ELF QEMU's PVH loader accepts: an ELF64
 * {@code ET_EXEC} for x86_64 with a {@code PT_NOTE} holding the PVH entry note and one
 * {@code PT_LOAD} that places the payload at its load address (virtual = physical: QEMU loads by
 * {@code p_paddr}, and PVH starts in 32-bit mode with paging off).
 */
public final class QemuElf {
    static final int EHDR = 64;
    static final int PHDR = 56;
    static final int PAYLOAD_OFFSET = 0x1000;
    static final int EM_X86_64 = 62;
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;

    private QemuElf() {
    }

    /** The ELF header, program headers and note: everything before the payload. */
    public static byte[] header(long loadAddr, long entry, int payloadSize, PvhNote note) {
        if (loadAddr % PAYLOAD_OFFSET != 0) {
            throw new IllegalArgumentException("load address must be page-aligned");
        }
        ByteBuffer b = ByteBuffer.allocate(PAYLOAD_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1 /* version */, 0 /* SysV */});
        b.position(16);
        b.putShort((short) 2);          // e_type ET_EXEC
        b.putShort((short) EM_X86_64);  // e_machine
        b.putInt(1);                    // e_version
        b.putLong(entry);               // e_entry
        b.putLong(EHDR);                // e_phoff
        b.putLong(0);                   // e_shoff
        b.putInt(0);                    // e_flags
        b.putShort((short) EHDR);       // e_ehsize
        b.putShort((short) PHDR);       // e_phentsize
        b.putShort((short) 2);          // e_phnum
        b.putShort((short) 64);         // e_shentsize
        b.putShort((short) 0);          // e_shnum
        b.putShort((short) 0);          // e_shstrndx
        int noteOffset = EHDR + 2 * PHDR;
        // PT_NOTE
        b.putInt(PT_NOTE);
        b.putInt(4);                    // p_flags R
        b.putLong(noteOffset);
        b.putLong(0);
        b.putLong(0);
        b.putLong(note.bytes().length);
        b.putLong(note.bytes().length);
        b.putLong(4);
        // PT_LOAD
        b.putInt(PT_LOAD);
        b.putInt(7);                    // RWX
        b.putLong(PAYLOAD_OFFSET);
        b.putLong(loadAddr);            // p_vaddr: physical, as p_paddr
        b.putLong(loadAddr);            // p_paddr
        b.putLong(payloadSize);
        b.putLong(payloadSize);
        b.putLong(PAYLOAD_OFFSET);
        b.put(note.bytes());
        return b.array();
    }

    /** Writes the ELF for {@code bundle} to {@code out} (atomically). */
    public static void write(KernelBundle bundle, PvhNote note, Path out) {
        byte[] header = header(bundle.loadAddr(), bundle.entryAddr(), bundle.payload().length, note);
        AtomicFiles.write(out, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                os.write(header);
                os.write(bundle.payload());
            }
        });
    }
}
