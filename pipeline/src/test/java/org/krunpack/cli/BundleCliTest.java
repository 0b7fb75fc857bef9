package org.krunpack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.krunpack.testing.CliRun.Run;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.testing.TestKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.krunpack.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code krunpack bundle} and {@code krunpack verify-lib} as a user runs them. */
@Tag("tools")
class BundleCliTest {
    @TempDir
    Path tmp;



    private Path project(String variant) throws IOException {
        Files.writeString(tmp.resolve("base.config"), "CONFIG_64BIT=y\n");
        return Files.writeString(tmp.resolve("krunpack.yaml"), """
                libkrunfw:
                  version: "5.5.0"
                  abi: 5
                kernel:
                  version: "6.12.117"
                arch: x86_64
                variant: %s
                sourceDateEpoch: 1735689600
                sources:
                  kernel:
                    - path: linux.tar.xz
                      sha512: "%s"
                config:
                  fragments:
                    - base.config
                """.formatted(variant, "0".repeat(128)));
    }

    @Test
    void bundleThenVerifyLibWithJsonOutput() throws Exception {
        Path cfg = project("generic");
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("out/kernel"), 4);
        Path out = tmp.resolve("out");

        // --image defaults to <out>/kernel/vmlinux
        Run b = run("bundle", "-c", cfg.toString(), "--out", out.toString(), "--format", "json");
        assertThat(b.exit()).as(b.err()).isZero();
        JsonNode doc = b.json();
        assertThat(doc.path("result").asText()).isEqualTo("ok");
        String lib = doc.path("artifacts").path("library").asText();
        assertThat(lib).endsWith("/out/bundle/libkrunfw.so.5.5.0");
        assertThat(doc.path("artifacts").path("library-soname-link").asText()).endsWith("/libkrunfw.so.5");
        assertThat(doc.path("artifacts").path("library-dev-link").asText()).endsWith("/libkrunfw.so");
        JsonNode d = doc.path("steps").get(0).path("details");
        assertThat(d.path("loadAddr").asText()).isEqualTo("0x1000000");
        assertThat(d.path("entryAddr").asText()).isEqualTo("0x1000000");
        assertThat(d.path("payloadSize").asLong()).isEqualTo(0x310000L);
        assertThat(d.path("sha512").asText()).hasSize(128);

        Run v = run("verify-lib", lib, "--image", vmlinux.toString());
        assertThat(v.exit()).as(v.out()).isZero();
        assertThat(v.out()).contains("[ok]   verify-lib", "[pass]  image-bytes", "[pass]  kernel-memory");

        // Without FILE: the project's library under <out>/bundle/.
        Run vp = run("verify-lib", "-c", cfg.toString(), "--out", out.toString());
        assertThat(vp.exit()).as(vp.out()).isZero();
        assertThat(vp.out()).contains("libkrunfw.so.5.5.0");

        Run vj = run("verify-lib", lib, "--format", "json");
        assertThat(vj.exit()).isZero();
        assertThat(vj.json().path("steps").get(0).path("details").path("checks").get(0).path("status").asText())
                .isEqualTo("pass");
    }

    @Test
    void verifyLibExitsOneWhenACheckFailsAndTwoWhenTheFileIsMissing() throws Exception {
        Path notLib = Files.writeString(tmp.resolve("libkrunfw.so.5"), "text");
        Run v = run("verify-lib", notLib.toString());
        assertThat(v.exit()).isEqualTo(1);
        assertThat(v.out()).contains("[FAIL] verify-lib", "[fail]  elf");
        Run missing = run("verify-lib", tmp.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("library not found");
    }

    @Test
    void bundleWithoutAnImageSaysWhatToDo() throws Exception {
        Path cfg = project("generic");
        Run b = run("bundle", "-c", cfg.toString(), "--out", tmp.resolve("out").toString());
        assertThat(b.exit()).isEqualTo(2);
        assertThat(b.err()).contains("--image: ", "out/kernel/vmlinux not found (build it with 'krunpack build', or"
                + " pass --image FILE)");
    }

    @Test
    void teeVariantWithoutQbootIsAUsageError() throws Exception {
        Path cfg = project("sev");
        TestKernels.writeFakeVmlinux(tmp.resolve("out/kernel"), 4);
        Run b = run("bundle", "-c", cfg.toString(), "--out", tmp.resolve("out").toString(), "--format", "json");
        assertThat(b.exit()).isEqualTo(2);
        assertThat(b.json().path("problems").toString()).contains("--qboot", "--initrd");
    }
}
