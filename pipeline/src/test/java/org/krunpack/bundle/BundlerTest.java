package org.krunpack.bundle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.Gcc;
import org.krunpack.testing.KrunfwAbi;
import org.krunpack.testing.TestKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("tools")
class BundlerTest {
    @TempDir
    Path tmp;

    static BundleRequest request(Path image, Path out) {
        return new BundleRequest(image, Arch.X86_64, Variant.GENERIC, "5.5.0", 5, out, null, null);
    }

    @Test
    void bundlesASyntheticVmlinuxIntoACallableLibrary() throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("in"), 21);
        Path out = tmp.resolve("out");
        BundleResult r = Bundler.bundle(request(vmlinux, out));

        Path dir = out.resolve("bundle").toAbsolutePath();
        Path lib = dir.resolve("libkrunfw.so.5.5.0");
        assertThat(r.library()).isEqualTo(lib);
        assertThat(Files.readSymbolicLink(dir.resolve("libkrunfw.so.5"))).isEqualTo(Path.of("libkrunfw.so.5.5.0"));
        assertThat(Files.readSymbolicLink(dir.resolve("libkrunfw.so"))).isEqualTo(Path.of("libkrunfw.so.5"));
        assertThat(r.links()).containsExactly(dir.resolve("libkrunfw.so.5"), dir.resolve("libkrunfw.so"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("libkrunfw.so.5.5.0", "libkrunfw.so.5", "libkrunfw.so");
        }
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bundle");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib))).isEqualTo("rwxr-xr-x");
        assertThat(r.sha512()).isEqualTo(Digests.sha512(lib));

        // What binutils sees.
        String dyn = Gcc.run(tmp, "readelf", "-dW", lib.toString());
        assertThat(dyn).contains("Library soname: [libkrunfw.so.5]");
        String sections = Gcc.run(tmp, "readelf", "-SW", lib.toString());
        assertThat(sections).doesNotContain(".symtab").doesNotContain(".rodata ");
        String syms = Gcc.run(tmp, "readelf", "--dyn-syms", "-W", lib.toString());
        assertThat(syms).containsPattern("FUNC +GLOBAL +DEFAULT +\\d+ krunfw_get_kernel")
                .containsPattern("FUNC +GLOBAL +DEFAULT +\\d+ krunfw_get_version")
                .containsPattern("[0-9a-f]{12}0000 +0x310000 OBJECT +GLOBAL +DEFAULT +\\d+ KERNEL_BUNDLE")
                .doesNotContain("krunpack_kernel");
        String dataLine = sections.lines().filter(l -> l.contains(" .data ")).findFirst().orElseThrow();
        assertThat(dataLine).contains(" WA ").endsWith("65536");

        // What a consumer sees.
        TestKernels.Reference ref = TestKernels.reference(vmlinux);
        KrunfwAbi abi = KrunfwAbi.load(lib);
        LongByReference load = new LongByReference();
        LongByReference entry = new LongByReference();
        LongByReference size = new LongByReference();
        Pointer p = abi.krunfw_get_kernel(load, entry, size);
        assertThat(Pointer.nativeValue(p) % 65536).isZero();
        assertThat(load.getValue()).isEqualTo(0x1000000L);
        assertThat(entry.getValue()).isEqualTo(TestKernels.ENTRY);
        assertThat(size.getValue()).isEqualTo(ref.payload().length);
        assertThat(p.getByteArray(0, (int) size.getValue())).isEqualTo(ref.payload());
        assertThat(abi.krunfw_get_version()).isEqualTo(5);
        assertThat(r.payloadSize()).isEqualTo(ref.payload().length);
        assertThat(r.loadAddr()).isEqualTo(0x1000000L);
        assertThat(r.entryAddr()).isEqualTo(TestKernels.ENTRY);
    }

    @Test
    void twoBundlesOfTheSameInputsInDifferentDirectoriesAreByteIdentical() throws Exception {
        Path a = Bundler.bundle(request(TestKernels.writeFakeVmlinux(tmp.resolve("one/in"), 5),
                tmp.resolve("one/out"))).library();
        Path b = Bundler.bundle(request(TestKernels.writeFakeVmlinux(tmp.resolve("two/elsewhere/in"), 5),
                tmp.resolve("two/elsewhere/o"))).library();
        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
        // ...and different inputs give a different library (the comparison can fail).
        Path c = Bundler.bundle(request(TestKernels.writeFakeVmlinux(tmp.resolve("three/in"), 6),
                tmp.resolve("three/out"))).library();
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1L);
    }

    @Test
    void rebundlingReplacesTheDirectoryAndLeavesNoWorkFiles() throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("in"), 3);
        Path out = tmp.resolve("out");
        Bundler.bundle(request(vmlinux, out));
        Files.writeString(out.resolve("bundle/stale"), "x");
        Bundler.bundle(request(vmlinux, out));
        assertThat(out.resolve("bundle/stale")).doesNotExist();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bundle");
        }
    }

    @Test
    void aFailedBundleLeavesThePreviousOutput() throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("in"), 3);
        Path out = tmp.resolve("out");
        Path lib = Bundler.bundle(request(vmlinux, out)).library();
        byte[] before = Files.readAllBytes(lib);
        Path bad = Files.writeString(tmp.resolve("in/bad"), "not a kernel, not an ELF file either, just text.........."
                + "....................................");
        assertThatThrownBy(() -> Bundler.bundle(request(bad, out))).isInstanceOf(KrunpackException.class);
        assertThat(Files.readAllBytes(lib)).isEqualTo(before);
    }

    @Test
    void teeVariantsCarryQbootAndInitrd() throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("in"), 8);
        byte[] qboot = new byte[65536];
        qboot[0] = 0x51;
        byte[] initrd = "070701 an initrd".getBytes();
        Path q = Files.write(tmp.resolve("in/qboot.bin"), qboot);
        Path i = Files.write(tmp.resolve("in/initrd"), initrd);
        BundleResult r = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.SEV, "5.5.0", 5,
                tmp.resolve("out"), q, i));
        assertThat(r.library().getFileName().toString()).isEqualTo("libkrunfw-sev.so.5.5.0");
        assertThat(r.soname()).isEqualTo("libkrunfw-sev.so.5");
        assertThat(Files.readSymbolicLink(r.links().get(1))).isEqualTo(Path.of("libkrunfw-sev.so.5"));
        KrunfwAbi abi = KrunfwAbi.load(r.library());
        LongByReference size = new LongByReference();
        Pointer qp = abi.krunfw_get_qboot(size);
        assertThat(size.getValue()).isEqualTo(qboot.length);
        assertThat(qp.getByteArray(0, qboot.length)).isEqualTo(qboot);
        Pointer ip = abi.krunfw_get_initrd(size);
        // as libkrunfw's own bundles: rounded up to 64 KiB with zeros, the rounded size returned
        assertThat(size.getValue()).isEqualTo(65536);
        assertThat(ip.getByteArray(0, initrd.length)).isEqualTo(initrd);
        assertThat(ip.getByteArray(initrd.length, 65536 - initrd.length)).containsOnly(0);
        assertThat(Pointer.nativeValue(ip) % 65536).isZero();
        String syms = Gcc.run(tmp, "readelf", "--dyn-syms", "-W", r.library().toString());
        assertThat(syms).contains("QBOOT_BUNDLE", "INITRD_BUNDLE", "krunfw_get_qboot", "krunfw_get_initrd");
    }

    @Test
    void teeVariantWithoutQbootOrInitrdNamesBothOptions() throws IOException {
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("in"), 8);
        assertThatThrownBy(() -> Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.TDX, "5.5.0", 5,
                tmp.resolve("out"), null, null)))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.problems()).hasSize(2);
                })
                .hasMessageContaining("--qboot: the tdx variant needs the qboot firmware")
                .hasMessageContaining("--initrd: the tdx variant needs an initrd");
        assertThat(tmp.resolve("out")).doesNotExist();
    }
}
