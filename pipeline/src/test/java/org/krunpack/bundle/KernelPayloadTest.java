package org.krunpack.bundle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Arch;
import org.krunpack.testing.ElfBuilder;
import org.krunpack.testing.TestKernels;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelPayloadTest {
    @TempDir
    Path tmp;

    static byte[] stream(KernelPayload p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.writeTo(Channels.newChannel(out));
        return out.toByteArray();
    }

    @Test
    void vmlinuxPayloadEqualsTheReferenceFromTheProgramHeaders() throws IOException {
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp, 11);
        KernelPayload p = KernelPayload.of(vmlinux, Arch.X86_64);
        TestKernels.Reference ref = TestKernels.reference(vmlinux);

        assertThat(p.format()).isEqualTo(KernelPayload.Format.VMLINUX);
        assertThat(p.loadAddr()).isEqualTo(0x1000000L).isEqualTo(ref.loadAddr());
        assertThat(p.entryAddr()).isEqualTo(TestKernels.ENTRY).isEqualTo(ref.entryAddr());
        assertThat(p.contentSize()).isEqualTo(0x304000L + 10_000);
        assertThat(p.size()).isEqualTo(ref.payload().length).isEqualTo(0x310000L);
        assertThat(stream(p)).isEqualTo(ref.payload());
    }

    @Test
    void gapsAndPaddingAreZeroAndBssIsNotIncluded() throws IOException {
        byte[] a = new byte[100];
        byte[] b = new byte[50];
        Arrays.fill(a, (byte) 0xaa);
        Arrays.fill(b, (byte) 0xbb);
        Path f = Files.write(tmp.resolve("vmlinux"), new ElfBuilder().entry(0x1000000L)
                .load(0xffffffff81000000L, 0x1000000L, a, 4000) // .bss-like tail: not in the payload
                .load(0xffffffff81002000L, 0x1002000L, b, 50)
                .build());
        byte[] payload = stream(KernelPayload.fromVmlinux(f));
        assertThat(payload).hasSize(65536);
        assertThat(Arrays.copyOfRange(payload, 0, 100)).containsOnly((byte) 0xaa);
        assertThat(Arrays.copyOfRange(payload, 100, 0x2000)).containsOnly((byte) 0);
        assertThat(Arrays.copyOfRange(payload, 0x2000, 0x2000 + 50)).containsOnly((byte) 0xbb);
        assertThat(Arrays.copyOfRange(payload, 0x2000 + 50, 65536)).containsOnly((byte) 0);
    }

    @Test
    void anExactMultipleOf64KiBIsNotPadded() throws IOException {
        Path f = Files.write(tmp.resolve("vmlinux"), new ElfBuilder().entry(0x1000000L)
                .load(0xffffffff81000000L, 0x1000000L, new byte[131072], 131072).build());
        assertThat(KernelPayload.fromVmlinux(f).size()).isEqualTo(131072);
    }

    @Test
    void rawImageIsTheFileAtTwoGiBPadded() throws IOException {
        byte[] img = new byte[70_000];
        img[0] = 'M';
        img[1] = 'Z';
        img[69_999] = 7;
        Path f = Files.write(tmp.resolve("Image"), img);
        KernelPayload p = KernelPayload.of(f, Arch.AARCH64);
        assertThat(p.loadAddr()).isEqualTo(0x80000000L);
        assertThat(p.entryAddr()).isEqualTo(0x80000000L);
        assertThat(p.size()).isEqualTo(131072);
        byte[] payload = stream(p);
        assertThat(Arrays.copyOf(payload, 70_000)).isEqualTo(img);
        assertThat(Arrays.copyOfRange(payload, 70_000, 131072)).containsOnly((byte) 0);
    }

    @Test
    void overlappingSegmentsAreRefused() throws IOException {
        Path f = Files.write(tmp.resolve("vmlinux"), new ElfBuilder().entry(0x1000000L)
                .load(0xffffffff81000000L, 0x1000000L, new byte[0x2000], 0x2000)
                .load(0xffffffff81001000L, 0x1001000L, new byte[16], 16).build());
        assertThatThrownBy(() -> KernelPayload.fromVmlinux(f)).isInstanceOf(KrunpackException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("PT_LOAD segment 1 (p_paddr 0x1001000) starts before the end of the previous");
    }

    @Test
    void entryOutsideThePayloadIsRefused() throws IOException {
        Path f = Files.write(tmp.resolve("vmlinux"), new ElfBuilder().entry(0xffffffff81000000L)
                .load(0xffffffff81000000L, 0x1000000L, new byte[16], 16).build());
        assertThatThrownBy(() -> KernelPayload.fromVmlinux(f)).hasMessageContaining("e_entry 0xffffffff81000000 lies"
                + " outside the payload");
    }

    @Test
    void wrongArchitecturesAndFormatsAreNamed() throws IOException {
        Path arm = Files.write(tmp.resolve("vmlinux-arm"), new ElfBuilder().machine(183).entry(0x1000000L)
                .load(0xffffffff81000000L, 0x1000000L, new byte[16], 16).build());
        assertThatThrownBy(() -> KernelPayload.of(arm, Arch.X86_64)).hasMessageContaining("ELF file for aarch64");
        Path elf = TestKernels.writeFakeVmlinux(tmp, 1);
        assertThatThrownBy(() -> KernelPayload.of(elf, Arch.AARCH64)).hasMessageContaining("is an ELF file");
        Path lib = Files.write(tmp.resolve("lib.so"), new ElfBuilder().type(3).entry(0x1000000L)
                .load(0xffffffff81000000L, 0x1000000L, new byte[16], 16).build());
        assertThatThrownBy(() -> KernelPayload.of(lib, Arch.X86_64)).hasMessageContaining("ET_DYN, not an executable");
        assertThatThrownBy(() -> KernelPayload.of(tmp.resolve("missing"), Arch.X86_64))
                .hasMessageContaining("kernel image not found");
    }

    @Test
    void physicalAddressNotMatchingTheMaskedVirtualOneIsRefused() throws IOException {
        Path f = Files.write(tmp.resolve("vmlinux"), new ElfBuilder().entry(0x20000000L)
                .load(0xffffffff80000000L + 0x20000000L, 0x20000000L, new byte[16], 16).build());
        assertThatThrownBy(() -> KernelPayload.fromVmlinux(f)).hasMessageContaining("p_vaddr & 0xfffffff is 0x0");
    }
}
