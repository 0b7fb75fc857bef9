package org.krunpack.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.bundle.Bundler;
import org.krunpack.elf.Elf;
import org.krunpack.project.Arch;
import org.krunpack.testing.ElfBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** verify-lib's ELF inspection on libraries written by the test (no gcc, no dlopen). */
class LibraryVerifierStaticTest {
    /** An architecture this host cannot load (the tests must not dlopen these fake libraries). */
    private static final int FOREIGN = Bundler.hostArch() == Arch.AARCH64 ? Elf.EM_RISCV : Elf.EM_AARCH64;

    @TempDir
    Path tmp;
    int bundleShndx = 2;

    private Path lib(String name, int machine, String soname, long dataFlags, boolean withVersion) throws IOException {
        return lib(name, machine, soname, dataFlags, withVersion, 0x20000);
    }

    private Path lib(String name, int machine, String soname, long dataFlags, boolean withVersion, long bundleAt)
            throws IOException {
        ElfBuilder b = new ElfBuilder().type(Elf.ET_DYN).machine(machine).soname(soname)
                .segment(new ElfBuilder.Segment(Elf.PT_LOAD, Elf.PF_R | Elf.PF_X, 0x1000, 0x1000, new byte[64], 64, 16))
                .segment(new ElfBuilder.Segment(Elf.PT_LOAD, Elf.PF_R | (dataFlags == 3 ? Elf.PF_W : 0), 0x20000,
                        0x20000, new byte[65536], 65536, 16))
                .section(new ElfBuilder.Section(".text", Elf.SHT_PROGBITS, 6, 0x1000, new byte[64], 16))
                .section(new ElfBuilder.Section(".data", Elf.SHT_PROGBITS, dataFlags, 0x20000, new byte[65536], 65536))
                .symbol(new ElfBuilder.Symbol("krunfw_get_kernel", 0x1000, 16, 1, Elf.STB_GLOBAL, Elf.STT_FUNC))
                .symbol(new ElfBuilder.Symbol("KERNEL_BUNDLE", bundleAt, 65536, bundleShndx, Elf.STB_GLOBAL,
                        Elf.STT_OBJECT));
        if (withVersion) {
            b.symbol(new ElfBuilder.Symbol("krunfw_get_version", 0x1010, 8, 1, Elf.STB_GLOBAL, Elf.STT_FUNC));
        }
        return Files.write(tmp.resolve(name), b.build());
    }

    @Test
    void aForeignArchitectureLibraryIsInspectedButNotLoaded() throws IOException {
        VerifyResult r = LibraryVerifier.verify(lib("libkrunfw.so.5.5.0", FOREIGN, "libkrunfw.so.5", 3, true),
                null);
        assertThat(r.check("elf").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("elf").evidence()).contains(Elf.machineName(FOREIGN));
        assertThat(r.check("soname").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("file-name").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("exports").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("KERNEL_BUNDLE").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("KERNEL_BUNDLE").evidence()).contains("in .data (SHF_WRITE)");
        // The test's ELF writer leaves .dynamic outside every PT_LOAD: ld.so would read unmapped memory.
        assertThat(r.check("loader").status()).isEqualTo(ContractCheck.Status.FAIL);
        assertThat(r.check("loader").evidence()).contains("PT_DYNAMIC", "is not inside");
        assertThat(r.check("load").status()).isEqualTo(ContractCheck.Status.SKIPPED);
        assertThat(r.check("load").evidence()).startsWith("not loaded: the static checks failed (loader)");
        assertThat(r.ok()).isFalse();
    }

    @Test
    void aKernelBundleSymbolOutsideTheFileFailsWhateverItsSectionIndexSays() throws IOException {
        // st_shndx names .data, but the address lies far outside every segment (a corrupt or hostile file).
        VerifyResult r = LibraryVerifier.verify(lib("libkrunfw.so.5.5.0", FOREIGN, "libkrunfw.so.5", 3, true,
                0x7fff0000000L), null);
        assertThat(r.check("KERNEL_BUNDLE").status()).isEqualTo(ContractCheck.Status.FAIL);
        assertThat(r.check("KERNEL_BUNDLE").evidence()).contains("at 0x7fff0000000", "in no PT_LOAD segment",
                "[0x1000, 0x1040) [0x20000, 0x30000)");
        // In .data by address while st_shndx names .text: named, and failed.
        bundleShndx = 1;
        VerifyResult r2 = LibraryVerifier.verify(lib("libkrunfw.so.5.5.0", FOREIGN, "libkrunfw.so.5", 3, true), null);
        assertThat(r2.check("KERNEL_BUNDLE").status()).isEqualTo(ContractCheck.Status.FAIL);
        assertThat(r2.check("KERNEL_BUNDLE").evidence()).contains("in .data (SHF_WRITE)", "st_shndx 1 (.text)"
                + " disagrees with the address");
    }

    @Test
    void staticFindingsAreReportedTogether() throws IOException {
        VerifyResult r = LibraryVerifier.verify(lib("libkrunfw-tdx.so.5.5.0", FOREIGN, "libkrunfw-tdx.so.5",
                2, false), null);
        assertThat(r.check("soname").evidence()).contains("variant tdx, ABI 5");
        assertThat(r.check("exports").evidence()).isEqualTo("does not export functions krunfw_get_version,"
                + " krunfw_get_qboot, krunfw_get_initrd");
        assertThat(r.check("load").status()).isEqualTo(ContractCheck.Status.SKIPPED);
        assertThat(r.check("KERNEL_BUNDLE").status()).isEqualTo(ContractCheck.Status.FAIL);
        assertThat(r.check("KERNEL_BUNDLE").evidence()).contains("in .data (read-only");
        assertThat(r.check("QBOOT_BUNDLE").evidence()).startsWith("not exported");
        assertThat(r.check("INITRD_BUNDLE").status()).isEqualTo(ContractCheck.Status.FAIL);
    }

    @Test
    void anExecutableIsNotASharedObject() throws IOException {
        Path f = Files.write(tmp.resolve("libkrunfw.so.5"), new ElfBuilder().type(Elf.ET_EXEC).soname("libkrunfw.so.5")
                .build());
        VerifyResult r = LibraryVerifier.verify(f, null);
        assertThat(r.check("elf").status()).isEqualTo(ContractCheck.Status.FAIL);
        assertThat(r.check("elf").evidence()).contains("ET_EXEC, expected ET_DYN");
        assertThat(r.check("load").status()).isEqualTo(ContractCheck.Status.SKIPPED);
    }
}
