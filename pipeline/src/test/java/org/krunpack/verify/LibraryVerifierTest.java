package org.krunpack.verify;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.Bundler;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.ElfBuilder;
import org.krunpack.testing.TestKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.krunpack.verify.ContractCheck.Status.FAIL;
import static org.krunpack.verify.ContractCheck.Status.PASS;
import static org.krunpack.verify.ContractCheck.Status.SKIPPED;

@Tag("tools")
class LibraryVerifierTest {
    @TempDir
    Path tmp;
    Path vmlinux;
    byte[] payload;

    /** A small vmlinux (a 64 KiB payload keeps the C-literal fixtures quick to compile). */
    @BeforeEach
    void smallVmlinux() throws IOException {
        Random r = new Random(42);
        byte[] text = new byte[30_000];
        byte[] data = new byte[9_000];
        r.nextBytes(text);
        r.nextBytes(data);
        vmlinux = Files.write(tmp.resolve("vmlinux"), new ElfBuilder().entry(0x1000000L)
                .load(0xffffffff81000000L, 0x1000000L, text, 30_000)
                .load(0xffffffff81008000L, 0x1008000L, data, 20_000).build());
        payload = TestKernels.reference(vmlinux).payload();
        assertThat(payload).hasSize(65536);
    }

    private static void assertStatus(VerifyResult r, String check, ContractCheck.Status status) {
        assertThat(r.check(check).status()).as("%s: %s", check, r.check(check).evidence()).isEqualTo(status);
    }

    @Test
    void ourOwnBundlePassesEveryCheckAgainstItsImage() {
        Path big = TestKernels.writeFakeVmlinuxUnchecked(tmp.resolve("big"), 9);
        Path lib = Bundler.bundle(new BundleRequest(big, Arch.X86_64, Variant.GENERIC, "5.5.0", 5, tmp.resolve("out"),
                null, null)).library();
        VerifyResult r = LibraryVerifier.verify(lib, big);
        assertThat(r.failures()).isEmpty();
        assertThat(r.checks()).extracting(ContractCheck::name).containsExactly("elf", "soname", "file-name", "exports",
                "KERNEL_BUNDLE", "loader", "load", "side-effects", "version", "kernel-pointer", "kernel-size",
                "addresses", "kernel-memory", "image-addresses", "image-size", "image-bytes");
        assertThat(r.checks()).allSatisfy(c -> assertThat(c.status()).isEqualTo(PASS));
        assertThat(r.check("load").evidence()).contains("in the sandbox (bubblewrap)");
        assertThat(r.check("kernel-memory").evidence()).contains("section .data (SHF_WRITE)", "= KERNEL_BUNDLE",
                "bytes equal the file's");
        assertNotLoadedHere(lib);
        // Through the SONAME link, the real file's name is checked.
        assertThat(LibraryVerifier.verify(lib.resolveSibling("libkrunfw.so.5"), null).ok()).isTrue();
    }

    @Test
    void anUpstreamStyleCLiteralLibraryPasses() throws Exception {
        Path lib = new LibFixture(payload).build(tmp.resolve("literal"));
        VerifyResult r = LibraryVerifier.verify(lib, vmlinux);
        assertThat(r.failures()).isEmpty();
        assertThat(r.ok()).isTrue();
        // The literal's terminating NUL makes the array one byte longer than the payload: still fine.
        assertThat(r.check("KERNEL_BUNDLE").evidence()).contains("65537 bytes", "in .data (SHF_WRITE)");
        assertStatus(r, "image-bytes", PASS);
    }

    /**
     * libkrunfw's bundles round qboot and initrd up to 64 KiB (libkrun puts the initrd that many
     * bytes below the end of guest RAM): a SEV library in upstream's C style whose initrd getter
     * returns the file's own 100 bytes fails the initrd check, its padded qboot passes.
     */
    @Test
    void aSevLibraryWhoseInitrdIsNotPaddedTo64KiBFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.fileName = "libkrunfw-sev.so.5.5.0";
        f.soname = "libkrunfw-sev.so.5";
        f.extra = """
                char QBOOT_BUNDLE[65536] __attribute__((aligned(65536))) = { 0x51 };
                char INITRD_BUNDLE[100] __attribute__((aligned(65536))) = { 0x30 };
                char *krunfw_get_qboot(size_t *size) { *size = sizeof(QBOOT_BUNDLE); return QBOOT_BUNDLE; }
                char *krunfw_get_initrd(size_t *size) { *size = sizeof(INITRD_BUNDLE); return INITRD_BUNDLE; }
                """;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("sev-unpadded")), vmlinux);
        assertStatus(r, "qboot", PASS);
        assertThat(r.check("qboot").evidence()).contains("size 65536, a multiple of 64 KiB");
        assertStatus(r, "initrd", FAIL);
        assertThat(r.check("initrd").evidence()).contains("size 100, not a multiple of 64 KiB");
        assertThat(r.ok()).isFalse();
    }

    @Test
    void aBundleOnly4KiBAlignedFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.style = LibFixture.Style.ASM;
        f.misaligned = true;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("misaligned")), vmlinux);
        assertThat(r.ok()).isFalse();
        assertStatus(r, "KERNEL_BUNDLE", FAIL);
        assertThat(r.check("KERNEL_BUNDLE").evidence()).contains("(not 65536-aligned)");
        assertStatus(r, "load", SKIPPED);
    }

    @Test
    void aBundleInRodataFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.readOnly = true;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("rodata")), null);
        assertThat(r.ok()).isFalse();
        assertStatus(r, "KERNEL_BUNDLE", FAIL);
        assertThat(r.check("KERNEL_BUNDLE").evidence()).contains("in .rodata (read-only", "PT_LOAD segment is read-only");
        assertStatus(r, "load", SKIPPED);
    }

    @Test
    void anAsmBundleInRodataFailsToo() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.style = LibFixture.Style.ASM;
        f.readOnly = true;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("asm-rodata")), vmlinux);
        assertStatus(r, "KERNEL_BUNDLE", FAIL);
        assertThat(r.check("load").evidence()).startsWith("not loaded: the static checks failed (KERNEL_BUNDLE)");
    }

    @Test
    void aWrongSonameFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.soname = "libkrunfw.so.4";
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("abi4")), null);
        assertStatus(r, "soname", PASS);
        assertStatus(r, "file-name", FAIL);
        assertThat(r.check("file-name").evidence()).contains("libkrunfw.so.5.5.0 does not carry SONAME libkrunfw.so.4");
        assertStatus(r, "load", SKIPPED);

        LibFixture v = new LibFixture(payload);
        v.soname = "libkrunfw.so.4";
        v.fileName = "libkrunfw.so.4.0.0";
        VerifyResult rv = LibraryVerifier.verify(v.build(tmp.resolve("version")), null);
        assertStatus(rv, "version", FAIL);
        assertThat(rv.check("version").evidence()).contains("krunfw_get_version() = 5, but the SONAME says ABI 4");

        LibFixture g = new LibFixture(payload);
        g.soname = "libkernel.so.5";
        VerifyResult r2 = LibraryVerifier.verify(g.build(tmp.resolve("other")), null);
        assertStatus(r2, "soname", FAIL);
        assertThat(r2.check("soname").evidence()).contains("DT_SONAME libkernel.so.5, expected libkrunfw");

        LibFixture h = new LibFixture(payload);
        h.soname = null;
        VerifyResult r3 = LibraryVerifier.verify(h.build(tmp.resolve("none")), null);
        assertStatus(r3, "soname", FAIL);
        assertThat(r3.check("soname").evidence()).isEqualTo("no DT_SONAME");
    }

    @Test
    void aLibraryWithoutKrunfwGetVersionFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.withVersion = false;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("noversion")), vmlinux);
        assertThat(r.ok()).isFalse();
        assertStatus(r, "exports", FAIL);
        assertThat(r.check("exports").evidence()).isEqualTo("does not export function krunfw_get_version");
        assertStatus(r, "load", SKIPPED);
    }

    @Test
    void aPayloadThatDiffersFromTheImageFailsNamingTheOffset() throws Exception {
        byte[] changed = payload.clone();
        changed[0x8000 + 17] ^= 1;
        VerifyResult r = LibraryVerifier.verify(new LibFixture(changed).build(tmp.resolve("changed")), vmlinux);
        assertStatus(r, "image-bytes", FAIL);
        assertThat(r.check("image-bytes").evidence()).isEqualTo("1 of 65536 bytes differ, the first at offset 0x8011");
        assertStatus(r, "image-size", PASS);
    }

    @Test
    void aMisalignedLoadAddressOrAnEntryOutsideThePayloadFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.load = 0x1000010L;
        f.entry = 0x1000010L;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("load")), vmlinux);
        assertStatus(r, "addresses", FAIL);
        assertThat(r.check("addresses").evidence()).contains("load_addr 0x1000010 (not page-aligned)");
        assertStatus(r, "image-addresses", FAIL);

        LibFixture g = new LibFixture(payload);
        g.entry = 0x1010000L;
        VerifyResult r2 = LibraryVerifier.verify(g.build(tmp.resolve("entry")), null);
        assertStatus(r2, "addresses", FAIL);
        assertThat(r2.check("addresses").evidence()).contains("entry_addr 0x1010000 outside [load_addr");
    }

    @Test
    void anEntryInsideThePayloadNeedNotBePageAligned() throws Exception {
        // A 6.12 vmlinux has e_entry 0x1000123 (startup_64 is not at the start of .head.text).
        LibFixture f = new LibFixture(payload);
        f.entry = 0x1000123L;
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("entry")), null);
        assertStatus(r, "addresses", PASS);
        assertThat(r.ok()).isTrue();
    }

    @Test
    void librariesWithTheSameSonameFromDifferentPathsDoNotCollide() throws Exception {
        byte[] other = new byte[65536];
        other[5] = 9;
        Path a = new LibFixture(payload).build(tmp.resolve("a"));
        Path b = new LibFixture(other).build(tmp.resolve("b"));
        assertStatus(LibraryVerifier.verify(a, vmlinux), "image-bytes", PASS);
        assertStatus(LibraryVerifier.verify(b, vmlinux), "image-bytes", FAIL);
        assertStatus(LibraryVerifier.verify(a, vmlinux), "image-bytes", PASS);
    }

    @Test
    void aFileThatIsNotElfFailsTheElfCheck() throws IOException {
        Path f = Files.writeString(tmp.resolve("libkrunfw.so.5"), "just text");
        VerifyResult r = LibraryVerifier.verify(f, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.checks()).hasSize(1);
        assertThat(r.check("elf").evidence()).contains("not a valid ELF64");
    }

    @Test
    void missingFilesAreUsageErrors() {
        assertThatThrownBy(() -> LibraryVerifier.verify(tmp.resolve("nope.so"), null))
                .isInstanceOf(KrunpackException.class).hasMessageContaining("library not found");
    }

    /** krunpack's own process never maps a library it checks. */
    static void assertNotLoadedHere(Path lib) {
        try {
            String maps = Files.readString(Path.of("/proc/self/maps"));
            assertThat(maps).doesNotContain(lib.toAbsolutePath().normalize().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aConstructorThatWritesFilesRunsOnlyInTheSandboxAndIsReported() throws Exception {
        Path outside = tmp.resolve("outside-canary");
        LibFixture f = new LibFixture(payload);
        f.extra = "#include <stdio.h>\n"
                + "__attribute__((constructor)) static void hostile(void)\n{\n"
                + "\tFILE *o = fopen(\"" + outside + "\", \"w\");\n\tif (o) fclose(o);\n"
                + "\tFILE *h = fopen(\"/tmp/krunpack-ctor-canary\", \"w\");\n\tif (h) fclose(h);\n"
                + "\tFILE *i = fopen(\"ctor-canary\", \"w\");\n\tif (i) fclose(i);\n"
                + "\tprintf(\"hello from the constructor\\n\");\n}\n";
        Path lib = f.build(tmp.resolve("ctor"));
        VerifyResult r = LibraryVerifier.verify(lib, null);
        assertThat(outside).doesNotExist();
        assertThat(Path.of("/tmp/krunpack-ctor-canary")).doesNotExist();
        assertStatus(r, "load", PASS);
        assertStatus(r, "side-effects", FAIL);
        assertThat(r.check("side-effects").evidence()).contains("wrote 1 file(s) in the sandbox's scratch directory:"
                + " ctor-canary", "printed 1 line(s) on stdout: hello from the constructor");
        assertStatus(r, "kernel-memory", PASS);
        assertNotLoadedHere(lib);
    }

    @Test
    void aCrashInTheConstructorIsAFailedLoadNotACrashOfKrunpack() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.extra = "__attribute__((constructor)) static void crash(void)\n{\n\t*(volatile int *)8 = 1;\n}\n";
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("ctor-crash")), vmlinux);
        assertStatus(r, "load", FAIL);
        assertThat(r.check("load").evidence()).startsWith("dlopen crashed: killed by SIGSEGV (signal 11)");
        assertThat(r.checks()).extracting(ContractCheck::name).doesNotContain("version", "image-bytes");
    }

    @Test
    void aCrashOrAHangInAFunctionIsAFailedCheck() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.kernelReturn = "(char *)(*(volatile long *)16)";
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("call-crash")), null);
        assertStatus(r, "load", PASS);
        assertStatus(r, "calls", FAIL);
        assertThat(r.check("calls").evidence()).startsWith("the library killed by SIGSEGV (signal 11) after it was"
                + " loaded");
        assertStatus(r, "version", PASS);
        assertStatus(r, "kernel", FAIL);

        LibFixture g = new LibFixture(payload);
        g.kernelReturn = "({ for (;;) ; (char *)0; })";
        VerifyResult h = LibraryVerifier.verify(g.build(tmp.resolve("hang")), null, Sandbox.forInputs(false),
                java.time.Duration.ofSeconds(2));
        assertStatus(h, "calls", FAIL);
        assertThat(h.check("calls").evidence()).contains("timed out after 2 s");
    }

    @Test
    void aPointerOutsideTheLibraryIsNeverReadAndFails() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.extra = "#include <stdlib.h>\n";
        f.kernelReturn = "(char *)malloc(65536)";
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("malloc")), null);
        assertStatus(r, "kernel-memory", FAIL);
        assertThat(r.check("kernel-memory").evidence()).contains("is not inside the library's PT_LOAD segments");
    }

    @Test
    void aPayloadChangedAtLoadTimeFailsTheMemoryCheck() throws Exception {
        LibFixture f = new LibFixture(payload);
        f.style = LibFixture.Style.ASM;
        f.extra = "__attribute__((constructor)) static void patch(void)\n{\n\tKERNEL_BUNDLE[100] ^= 0x55;\n}\n";
        VerifyResult r = LibraryVerifier.verify(f.build(tmp.resolve("patched")), vmlinux);
        assertStatus(r, "kernel-memory", FAIL);
        assertThat(r.check("kernel-memory").evidence()).contains("its bytes differ from the file's at that address");
    }

    @Test
    void withoutASandboxTheCallsAreNotEvaluatedUnlessTheInputsAreTrusted() throws Exception {
        Path lib = new LibFixture(payload).build(tmp.resolve("nosandbox"));
        System.setProperty(Sandbox.SWITCH_PROPERTY, "off");
        try {
            Sandbox.resetProbe();
            VerifyResult r = LibraryVerifier.verify(lib, vmlinux);
            assertStatus(r, "load", ContractCheck.Status.NOT_EVALUATED);
            assertThat(r.check("load").evidence()).contains("no sandbox", "--trust-inputs");
            assertStatus(r, "image-bytes", ContractCheck.Status.NOT_EVALUATED);
            assertThat(r.ok()).isTrue();
            VerifyResult t = LibraryVerifier.verify(lib, vmlinux, Sandbox.forInputs(true));
            assertThat(t.failures()).isEmpty();
            assertThat(t.check("load").evidence()).contains("unsandboxed (--trust-inputs)");
            assertNotLoadedHere(lib);
        } finally {
            System.clearProperty(Sandbox.SWITCH_PROPERTY);
            Sandbox.resetProbe();
        }
    }
}
