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

    private Path lib(String name, int machine, String soname, long dataFlags, boolean withVersion) throws IOException {
        ElfBuilder b = new ElfBuilder().type(Elf.ET_DYN).machine(machine).soname(soname)
                .section(new ElfBuilder.Section(".text", Elf.SHT_PROGBITS, 6, 0x1000, new byte[64], 16))
                .section(new ElfBuilder.Section(".data", Elf.SHT_PROGBITS, dataFlags, 0x20000, new byte[64], 65536))
                .symbol(new ElfBuilder.Symbol("krunfw_get_kernel", 0x1000, 16, 1, Elf.STB_GLOBAL, Elf.STT_FUNC))
                .symbol(new ElfBuilder.Symbol("KERNEL_BUNDLE", 0x20000, 65536, 2, Elf.STB_GLOBAL, Elf.STT_OBJECT));
        if (withVersion) {
            b.symbol(new ElfBuilder.Symbol("krunfw_get_version", 0x1010, 8, 1, Elf.STB_GLOBAL, Elf.STT_FUNC));
        }
        return Files.write(tmp.resolve(name), b.build());
    }

    @Test
    void aForeignArchitectureLibraryIsInspectedButNotCalled() throws IOException {
        VerifyResult r = LibraryVerifier.verify(lib("libkrunfw.so.5.5.0", FOREIGN, "libkrunfw.so.5", 3, true),
                null);
        assertThat(r.check("elf").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("elf").evidence()).contains(Elf.machineName(FOREIGN));
        assertThat(r.check("soname").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("file-name").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("exports").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("KERNEL_BUNDLE").status()).isEqualTo(ContractCheck.Status.PASS);
        assertThat(r.check("load").status()).isEqualTo(ContractCheck.Status.SKIPPED);
        assertThat(r.check("calls").status()).isEqualTo(ContractCheck.Status.FAIL);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void staticFindingsAreReportedTogether() throws IOException {
        VerifyResult r = LibraryVerifier.verify(lib("libkrunfw-tdx.so.5.5.0", FOREIGN, "libkrunfw-tdx.so.5",
                2, false), null);
        assertThat(r.check("soname").evidence()).contains("variant tdx, ABI 5");
        assertThat(r.check("exports").evidence()).isEqualTo("does not export functions krunfw_get_version,"
                + " krunfw_get_qboot, krunfw_get_initrd");
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
