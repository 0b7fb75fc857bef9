package org.krunpack.smoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QemuElfTest {
    @TempDir
    Path tmp;

    /** A program header read back from the file. */
    record Phdr(int type, long offset, long vaddr, long paddr, long filesz, long memsz, long align) {
    }

    static List<Phdr> phdrs(ByteBuffer b) {
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54);
        int phnum = b.getShort(56);
        Phdr[] out = new Phdr[phnum];
        for (int i = 0; i < phnum; i++) {
            int o = (int) phoff + i * phentsize;
            out[i] = new Phdr(b.getInt(o), b.getLong(o + 8), b.getLong(o + 16), b.getLong(o + 24),
                    b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48));
        }
        return List.of(out);
    }

    @Test
    void writesAnElfQemusPvhLoaderAccepts() throws Exception {
        byte[] payload = PvhNoteTest.payloadWith(3 * 65536, 0x2000, PvhNoteTest.note("Xen", 18, 0x1000123, 4));
        payload[0] = (byte) 0xe8;
        payload[payload.length - 1] = 0x5a;
        KernelBundle bundle = new KernelBundle(tmp.resolve("lib.so"), 0x1000000, 0x1000200, payload, 0x7f0000000000L,
                5, List.of());
        PvhNote note = PvhNote.find(payload).orElseThrow();
        Path elf = tmp.resolve("kernel.elf");
        QemuElf.write(bundle, note, elf);

        byte[] bytes = Files.readAllBytes(elf);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Arrays.copyOf(bytes, 4)).containsExactly(0x7f, 'E', 'L', 'F');
        assertThat(bytes[4]).as("ELFCLASS64").isEqualTo((byte) 2);
        assertThat(bytes[5]).as("little endian").isEqualTo((byte) 1);
        assertThat(b.getShort(16)).as("ET_EXEC").isEqualTo((short) 2);
        assertThat(b.getShort(18)).as("EM_X86_64").isEqualTo((short) 62);
        assertThat(b.getLong(24)).as("e_entry").isEqualTo(0x1000200L);

        List<Phdr> ph = phdrs(b);
        assertThat(ph).hasSize(2);
        Phdr noteHdr = ph.get(0);
        Phdr load = ph.get(1);
        assertThat(noteHdr.type()).isEqualTo(QemuElf.PT_NOTE);
        assertThat(Arrays.copyOfRange(bytes, (int) noteHdr.offset(), (int) (noteHdr.offset() + noteHdr.filesz())))
                .isEqualTo(note.bytes());
        assertThat(load.type()).isEqualTo(QemuElf.PT_LOAD);
        assertThat(load.paddr()).isEqualTo(0x1000000L);
        assertThat(load.vaddr()).as("virtual = physical").isEqualTo(0x1000000L);
        assertThat(load.filesz()).isEqualTo(payload.length);
        assertThat(load.memsz()).isEqualTo(payload.length);
        assertThat(load.offset() % load.align()).isEqualTo(load.vaddr() % load.align());
        assertThat(Arrays.copyOfRange(bytes, (int) load.offset(), bytes.length)).isEqualTo(payload);
        // the note written is the note found inside the payload (PVH finds the same entry either way)
        assertThat(PvhNote.find(Arrays.copyOfRange(bytes, (int) noteHdr.offset(), (int) noteHdr.offset() + 20)))
                .get().extracting(PvhNote::entry).isEqualTo(0x1000123L);
    }

    @Test
    void refusesAnUnalignedLoadAddress() {
        PvhNote note = PvhNote.find(PvhNoteTest.note("Xen", 18, 1, 4)).orElseThrow();
        assertThatThrownBy(() -> QemuElf.header(0x1000010, 0, 16, note)).isInstanceOf(IllegalArgumentException.class);
    }
}
