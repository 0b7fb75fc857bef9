package org.krunpack.verify;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.Bundler;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * verify-lib on libraries for another arch than the host's: the same static checks, and the calls
 * made for real by krunpack's probe compiled with the cross gcc and run under QEMU's user emulation
 * with the cross sysroot, inside the sandbox. Needs gcc-aarch64-linux-gnu, gcc-riscv64-linux-gnu,
 * their libc6-dev-*-cross sysroots and qemu-user-static (scripts/setup-deps); a missing one fails
 * the test saying which.
 */
@Tag("tools")
class ForeignLibraryVerifierTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = Arch.class, names = {"AARCH64", "RISCV64"})
    void theProbeCallsTheForeignLibraryUnderUserEmulationAndFindsTheImagesBytes(Arch arch) throws Exception {
        DlopenProbe.Target.foreign(arch); // fails naming what to install when a tool is missing
        byte[] image = new byte[200_000];
        new Random(7).nextBytes(image);
        System.arraycopy("MZ krunpack foreign test".getBytes(StandardCharsets.US_ASCII), 0, image, 0, 24);
        Path imageFile = Files.write(tmp.resolve("Image"), image);
        Path lib = Bundler.bundle(new BundleRequest(imageFile, arch, Variant.GENERIC, "5.5.0", 5, tmp.resolve("out"),
                null, null)).library();

        VerifyResult r = LibraryVerifier.verify(lib, imageFile);

        assertThat(r.failures()).as("failures: %s", r.failures()).isEmpty();
        for (String check : new String[] {"elf", "exports", "loader", "load", "image-bytes"}) {
            assertThat(r.check(check).status()).as("%s: %s", check, r.check(check).evidence())
                    .isEqualTo(ContractCheck.Status.PASS);
        }

        // the same library with one payload byte changed: the emulated call hands out other bytes
        byte[] changed = image.clone();
        changed[150_000] ^= 1;
        Path otherImage = Files.write(tmp.resolve("Image.other"), changed);
        VerifyResult bad = LibraryVerifier.verify(lib, otherImage);
        assertThat(bad.check("image-bytes").status()).as(bad.check("image-bytes").evidence())
                .isEqualTo(ContractCheck.Status.FAIL);
    }
}
