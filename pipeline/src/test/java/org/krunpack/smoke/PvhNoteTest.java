package org.krunpack.smoke;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class PvhNoteTest {
    /** A note: namesz, descsz, type, name (padded to 4), descriptor. */
    static byte[] note(String name, int type, long entry, int descsz) {
        byte[] n = name.getBytes();
        int namePadded = (n.length + 1 + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + namePadded + descsz).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n.length + 1).putInt(descsz).putInt(type).put(n);
        b.position(12 + namePadded);
        if (descsz == 8) {
            b.putLong(entry);
        } else {
            b.putInt((int) entry);
        }
        return b.array();
    }

    static byte[] payloadWith(int size, int offset, byte[]... notes) {
        byte[] p = new byte[size];
        int at = offset;
        for (byte[] n : notes) {
            System.arraycopy(n, 0, p, at, n.length);
            at += n.length;
        }
        return p;
    }

    @Test
    void findsThePhys32EntryNoteAmongOtherNotes() {
        byte[] payload = payloadWith(8192, 0x100,
                note("GNU", 3, 0, 4),                       // a build-id-like note first
                note("Xen", 17, 0x1234, 8),                 // another Xen note (not the entry)
                note("Xen", 18, 0x1000860L, 4));
        var found = PvhNote.find(payload);
        assertThat(found).isPresent();
        assertThat(found.get().entry()).isEqualTo(0x1000860L);
        assertThat(found.get().offset()).isEqualTo(0x100 + 20 + 24);
        assertThat(found.get().bytes()).hasSize(20);
    }

    @Test
    void acceptsAnEightByteDescriptor() {
        byte[] payload = payloadWith(4096, 64, note("Xen", 18, 0x2000000L, 8));
        assertThat(PvhNote.find(payload)).get().extracting(PvhNote::entry).isEqualTo(0x2000000L);
        assertThat(PvhNote.find(payload).get().bytes()).hasSize(24);
    }

    @Test
    void ignoresWrongNameTypeOrMisalignment() {
        assertThat(PvhNote.find(payloadWith(4096, 64, note("Xem", 18, 1, 4)))).isEmpty();
        assertThat(PvhNote.find(payloadWith(4096, 64, note("Xen", 19, 1, 4)))).isEmpty();
        assertThat(PvhNote.find(payloadWith(4096, 66, note("Xen", 18, 1, 4)))).isEmpty();
        assertThat(PvhNote.find(payloadWith(4096, 64, note("Xen", 18, 1, 4)).clone())).isPresent();
        assertThat(PvhNote.find(new byte[0])).isEmpty();
    }

    @Test
    void aNoteCutOffAtTheEndIsNotFound() {
        byte[] n = note("Xen", 18, 0x1000000, 8);
        byte[] payload = new byte[16 + 20];
        System.arraycopy(n, 0, payload, 16, 20); // only 4 of 8 descriptor bytes fit
        assertThat(PvhNote.find(payload)).isEmpty();
    }

    @Property(tries = 200)
    void findsANoteAnywhereAligned(@ForAll @IntRange(min = 0, max = 1000) int slot,
                                   @ForAll @IntRange(min = 0, max = 0x7fffffff) int entry) {
        byte[] payload = payloadWith(4096 + 64, slot * 4, note("Xen", 18, entry, 4));
        var found = PvhNote.find(payload);
        assertThat(found).isPresent();
        assertThat(found.get().offset()).isEqualTo(slot * 4);
        assertThat(found.get().entry()).isEqualTo(entry);
    }
}
