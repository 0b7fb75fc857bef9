package org.krunpack.smoke;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Xen PVH entry note ({@code XEN_ELFNOTE_PHYS32_ENTRY}, type 18, name "Xen") inside a kernel
 * payload. A vmlinux keeps its {@code .notes} section in the first {@code PT_LOAD} segment, so the
 * note's bytes are part of what the library hands out; QEMU needs it to start the kernel.
 *
 * @param offset offset of the note header in the payload
 * @param bytes  the whole note (header, padded name, padded descriptor)
 * @param entry  the 32-bit physical PVH entry address it holds
 */
public record PvhNote(int offset, byte[] bytes, long entry) {
    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final byte[] XEN = {'X', 'e', 'n', 0};

    /** Scans the payload (4-byte aligned, as notes are) for the first PVH entry note. */
    public static Optional<PvhNote> find(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off + 20 <= payload.length; off += 4) {
            if (b.getInt(off) != 4 || b.getInt(off + 8) != XEN_ELFNOTE_PHYS32_ENTRY) {
                continue;
            }
            int descsz = b.getInt(off + 4);
            if (descsz != 4 && descsz != 8) {
                continue;
            }
            if (!Arrays.equals(payload, off + 12, off + 16, XEN, 0, 4)) {
                continue;
            }
            int total = 16 + descsz; // header 12 + name 4 (already 4-aligned) + descriptor
            if (off + total > payload.length) {
                continue;
            }
            long entry = descsz == 4 ? Integer.toUnsignedLong(b.getInt(off + 16)) : b.getLong(off + 16);
            return Optional.of(new PvhNote(off, Arrays.copyOfRange(payload, off, off + total), entry));
        }
        return Optional.empty();
    }
}
