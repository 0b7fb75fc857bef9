package org.krunpack.elf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.testing.ElfBuilder;
import org.krunpack.testing.TestKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ElfFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsProgramHeadersNotesAndEntryOfAVmlinuxLikeFile() throws IOException {
        Path f = TestKernels.writeFakeVmlinux(tmp, 1);
        ElfFile elf = ElfFile.read(f);
        assertThat(elf.header().type()).isEqualTo(Elf.ET_EXEC);
        assertThat(elf.header().machine()).isEqualTo(Elf.EM_X86_64);
        assertThat(elf.header().entry()).isEqualTo(0x1000000L);
        assertThat(elf.loadSegments()).extracting(ProgramHeader::paddr)
                .containsExactly(0x1000000L, 0x1200000L, 0x1300000L, 0x1304000L);
        assertThat(elf.loadSegments().get(0).vaddr()).isEqualTo(0xffffffff81000000L);
        assertThat(elf.loadSegments().get(3).filesz()).isEqualTo(10_000);
        assertThat(elf.loadSegments().get(3).memsz()).isEqualTo(90_000);
        assertThat(elf.notes()).containsExactly(new ElfNote("Xen", 18, new byte[] {0x10, 0, 0, 1, 0, 0, 0, 0}));
        assertThat(elf.section(".note")).isPresent();
        assertThat(elf.fileSize()).isEqualTo(Files.size(f));
    }

    @Test
    void readsSonameNeededAndSymbols() {
        byte[] bytes = new ElfBuilder().type(Elf.ET_DYN)
                .section(new ElfBuilder.Section(".text", Elf.SHT_PROGBITS, 6, 0x1000, new byte[16], 16))
                .section(new ElfBuilder.Section(".data", Elf.SHT_PROGBITS, 3, 0x10000, new byte[64], 65536))
                .symbol(new ElfBuilder.Symbol("krunfw_get_kernel", 0x1000, 16, 1, Elf.STB_GLOBAL, Elf.STT_FUNC))
                .symbol(new ElfBuilder.Symbol("KERNEL_BUNDLE", 0x10000, 64, 2, Elf.STB_GLOBAL, Elf.STT_OBJECT))
                .symbol(new ElfBuilder.Symbol("malloc", 0, 0, 0, Elf.STB_GLOBAL, Elf.STT_FUNC))
                .soname("libkrunfw.so.5").needed("libc.so.6")
                .build();
        ElfFile elf = ElfFile.parse("lib", bytes);
        assertThat(elf.soname()).isEqualTo("libkrunfw.so.5");
        assertThat(elf.needed()).containsExactly("libc.so.6");
        assertThat(elf.exportedSymbol("krunfw_get_kernel")).get().extracting(ElfSymbol::value).isEqualTo(0x1000L);
        assertThat(elf.exportedSymbol("malloc")).isEmpty();
        ElfSymbol bundle = elf.exportedSymbol("KERNEL_BUNDLE").orElseThrow();
        assertThat(elf.section(bundle.sectionIndex())).get().extracting(SectionHeader::name).isEqualTo(".data");
        assertThat(elf.section(".data").orElseThrow().writable()).isTrue();
        assertThat(elf.section(".text").orElseThrow().writable()).isFalse();
        assertThat(elf.sectionContaining(0x10010, 16)).get().extracting(SectionHeader::name).isEqualTo(".data");
        assertThat(elf.sectionContaining(0x10030, 64)).isEmpty();
    }

    @Test
    void truncatedFileIsAUsageErrorNamingTheFileAndTheProblem() throws IOException {
        byte[] full = TestKernels.fakeVmlinux(2);
        Path f = Files.write(tmp.resolve("vmlinux"), Arrays.copyOf(full, 5000));
        assertThatThrownBy(() -> ElfFile.read(f))
                .isInstanceOfSatisfying(KrunpackException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining(f.toString())
                .hasMessageContaining("lies outside the file (5000 bytes)");
    }

    @Test
    void notAnElfSaysSo() throws IOException {
        Path f = Files.writeString(tmp.resolve("Image"), "MZ this is an arm64 Image, not an ELF file at all......"
                + "................................................");
        assertThatThrownBy(() -> ElfFile.read(f)).isInstanceOf(KrunpackException.class)
                .hasMessageContaining("no ELF magic");
    }

    @Test
    void bigEndianAndThirtyTwoBitAreRefusedByName() {
        byte[] b = TestKernels.fakeVmlinux(3);
        byte[] be = b.clone();
        be[5] = 2;
        assertThatThrownBy(() -> ElfFile.parse("x", be)).hasMessageContaining("expected 1 (little-endian)");
        byte[] c32 = b.clone();
        c32[4] = 1;
        assertThatThrownBy(() -> ElfFile.parse("x", c32)).hasMessageContaining("expected 2 (64-bit)");
    }

    @Test
    void missingFileIsAUsageError() {
        assertThatThrownBy(() -> ElfFile.read(tmp.resolve("nope")))
                .isInstanceOf(KrunpackException.class).hasMessageContaining("file not found");
    }
}
