package org.krunpack.smoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.Bundler;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.TestKernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TEE variant whose kernel overrides the command line (the libkrunfw release's SEV and TDX
 * configs: CONFIG_CMDLINE_OVERRIDE with libkrun-sev's fixed device addresses) is not booted, and
 * the smoke result says so and what was checked instead; nothing is started.
 */
class TeeSmokeTest {
    @Test
    void aSevKernelThatOverridesTheCommandLineIsReportedNotBootedWithTheReason(@TempDir Path dir) throws Exception {
        Path vmlinux = TestKernels.writeFakeVmlinux(Files.createDirectories(dir.resolve("k")), 7);
        Path qboot = Files.write(dir.resolve("bios.bin"), new byte[] {1, 2, 3});
        Path initrd = Files.write(dir.resolve("initrd.gz"), new byte[] {4, 5, 6});
        Path lib = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.SEV, "5.5.0", 5, dir.resolve("b"),
                qboot, initrd)).library();
        Path config = Files.writeString(dir.resolve("config"), """
                CONFIG_PVH=y
                CONFIG_CMDLINE_BOOL=y
                CONFIG_CMDLINE_OVERRIDE=y
                """);
        List<SmokeResult> results = Smoke.run(new Smoke.Options(lib, Accelerator.Mode.auto, null, null, config,
                dir.resolve("work"), null, true), Smoke.Host.system(), s -> { });
        assertThat(results).extracting(SmokeResult::step).containsExactly("smoke", "smoke-libkrun");
        assertThat(results.get(0).skipped()).startsWith("NOT BOOTED: variant sev: an AMD SEV guest needs an AMD SEV host")
                .contains("CONFIG_CMDLINE_OVERRIDE", "Checked instead: verify-lib");
        assertThat(results.get(0).summary()).singleElement().asString().startsWith("skipped: NOT BOOTED");
        assertThat(results.get(0).run()).as("no VM was started").isNull();
        assertThat(Smoke.teeVariant(lib)).isEqualTo("sev");
    }
}
