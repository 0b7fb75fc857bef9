package org.krunpack.verify;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.Bundler;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.release.LibkrunfwRelease;
import org.krunpack.testing.RealFixtures;
import org.krunpack.testing.TeeBlobReader;
import org.krunpack.testing.TestKernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SEV variant on a small stand-in kernel and the libkrunfw 5.5.0 release's real qboot firmware
 * and initrd: verify-lib passes the variant contract (krunfw_get_qboot, krunfw_get_initrd), and a
 * reader that is not krunpack's code ({@link TeeBlobReader}: dlopen in the sandbox) finds the release's
 * bytes through the exported functions. A generic library with the same kernel has neither.
 */
@Tag("tools")
class SevVariantTest {
    @TempDir
    static Path tmp;
    static LibkrunfwRelease release;

    @BeforeAll
    static void extractRelease() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("release"));
        Process p = new ProcessBuilder("tar", "xzf", RealFixtures.libkrunfw("5.5.0").toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("tar: %s", out).isZero();
        release = LibkrunfwRelease.read(dir.resolve("libkrunfw-5.5.0"));
    }

    @Test
    void theSevLibraryCarriesTheReleasesQbootAndInitrdAndPassesTheVariantContract() throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(Files.createDirectories(tmp.resolve("k1")), 3);
        Path qboot = release.qboot(Variant.SEV);
        Path initrd = release.initrd(Variant.SEV);
        assertThat(qboot.toString()).endsWith("qboot/sev/bios.bin");
        assertThat(release.qboot(Variant.TDX).toString()).endsWith("qboot/tdx/bios.bin");
        Path lib = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.SEV, "5.5.0", 5, tmp.resolve("sev"),
                qboot, initrd)).library();
        assertThat(lib.getFileName().toString()).isEqualTo("libkrunfw-sev.so.5.5.0");

        VerifyResult r = LibraryVerifier.verify(lib, vmlinux);
        assertThat(r.failures()).as("failures").isEmpty();
        for (String check : List.of("exports", "qboot", "initrd", "image-bytes")) {
            assertThat(r.check(check).status()).as("%s: %s", check, r.check(check).evidence())
                    .isEqualTo(ContractCheck.Status.PASS);
        }

        Sandbox.Result read = independentReader(lib, qboot, initrd);
        assertThat(read.exitCode()).as("reader: %s %s", read.stdout(), read.stderr()).isZero();
        assertThat(read.stdout()).contains("qboot same " + Files.size(qboot), "initrd same " + Files.size(initrd));

        // the generic library of the same kernel exports neither getter
        Path generic = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.GENERIC, "5.5.0", 5,
                tmp.resolve("generic"), null, null)).library();
        Sandbox.Result none = independentReader(generic, qboot, initrd);
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.stdout()).contains("qboot missing krunfw_get_qboot");
    }

    @Test
    void theTdxFirmwareIsNotTheSevOneSoTheReaderTellsThemApart() throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(Files.createDirectories(tmp.resolve("k2")), 4);
        Path lib = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.SEV, "5.5.0", 5, tmp.resolve("sev2"),
                release.qboot(Variant.SEV), release.initrd(Variant.SEV))).library();
        Sandbox.Result read = independentReader(lib, release.qboot(Variant.TDX), release.initrd(Variant.SEV));
        assertThat(read.exitCode()).isEqualTo(1);
        assertThat(read.stdout()).contains("qboot differs").contains("initrd same");
    }

    @Test
    void theGenericVariantAsksForNoFirmware() {
        assertThatThrownBy(() -> release.qboot(Variant.GENERIC)).isInstanceOf(KrunpackException.class)
                .hasMessageContaining("no qboot");
    }

    static Sandbox.Result independentReader(Path lib, Path qboot, Path initrd) throws Exception {
        return TeeBlobReader.run(lib, qboot, initrd, tmp.resolve("reader"));
    }
}
