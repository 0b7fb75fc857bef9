package org.krunpack.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.krunpack.testing.CliRun;
import org.krunpack.testing.RealFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * aarch64 end to end on this x86_64 host: Debian's 6.12.117 tree, the small CI layer plus the
 * aarch64 arch layer, cross-built with aarch64-linux-gnu-gcc → the Image bundled → verify-lib
 * calling krunfw_get_kernel/krunfw_get_version under qemu-aarch64 user emulation → the payload
 * booted under qemu-system-aarch64 -M virt with TCG to the init marker, with the feature probes.
 * One kernel, built once and shared by every method (the out directory is the shared state).
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForeignKernelTest {
    private static final Path WORK = Path.of("target/foreign-kernel").toAbsolutePath();
    private static final Path KC = RealFixtures.repoRoot().resolve("kernel-config");
    private static Path project;

    @BeforeAll
    static void writeProject() throws Exception {
        Files.createDirectories(WORK);
        project = Files.writeString(WORK.resolve("aarch64.yaml"), """
                libkrunfw: {version: "5.5.0", abi: 5}
                kernel: {version: "6.12.117"}
                arch: aarch64
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {path: %s, name: linux-6.12.117.tar.xz, sha512: %s}
                config:
                  fragments:
                    - %s/ci/10-ci-base.config
                    - %s/30-aarch64.config
                  features: %s/features.yaml
                  strict: true
                build: {ccache: auto}
                """.formatted(RealFixtures.debianKernel(), RealFixtures.DEBIAN_KERNEL_SHA512, KC, KC, KC));
    }

    @Test
    @Order(1)
    void pipelineCrossBuildsBundlesVerifiesUnderUserEmulationAndBootsUnderTcg() throws Exception {
        Path out = WORK.resolve("out");
        long t0 = System.nanoTime();
        CliRun.Run run = CliRun.run("pipeline", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        JsonNode doc = run.json();
        assertThat(run.exit()).as("exit code; stderr:\n%s\nstdout:\n%s", run.err(), run.out()).isZero();
        JsonNode artifacts = doc.path("artifacts");
        Path image = Path.of(artifacts.path("kernel-image").asText());
        assertThat(image.getFileName().toString()).isEqualTo("Image");
        byte[] head = Files.readAllBytes(image);
        assertThat(new String(head, 0x38, 4, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("arm64 Image magic").isEqualTo("ARM\u0064");
        Path library = Path.of(artifacts.path("library").asText());
        assertThat(library.getFileName().toString()).isEqualTo("libkrunfw.so.5.5.0");

        JsonNode verify = ReleaseKernelTest.step(doc, "verify-lib");
        assertThat(verify.path("ok").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.path("status").asText()).as(verify.toString()).isIn("ran", "cached");

        JsonNode smoke = ReleaseKernelTest.step(doc, "smoke").path("details").path("smoke");
        assertThat(smoke.path("machine").asText()).isEqualTo("virt");
        assertThat(smoke.path("accelerator").path("name").asText()).isEqualTo("tcg");
        assertThat(smoke.path("accelerator").path("reason").asText()).contains("aarch64", "TCG");
        assertThat(smoke.path("timing").path("initMarkerMs").asLong()).isPositive();
        assertThat(smoke.path("guest").path("release").asText()).startsWith("6.12.117");
        List<String> present = new ArrayList<>();
        smoke.path("features").forEach(f -> {
            if (f.path("present").asBoolean()) {
                present.add(f.path("feature").asText());
            }
        });
        assertThat(present).as("features: %s", smoke.path("features"))
                .contains("virtio-console", "virtio-blk", "ext4", "tmpfs", "devtmpfs");
        System.out.printf("aarch64 pipeline (cross build + bundle + verify-lib + TCG smoke): %d s; init marker at %d ms%n",
                seconds, smoke.path("timing").path("initMarkerMs").asLong());
    }

    @Test
    @Order(2)
    void verifyLibOnItsOwnCallsTheForeignLibraryForReal() throws Exception {
        Path out = WORK.resolve("out");
        Path library = out.resolve("bundle/libkrunfw.so.5.5.0");
        assertThat(library).as("the first test's library").exists();
        CliRun.Run verify = CliRun.run("verify-lib", library.toString(), "--image", out.resolve("kernel/Image").toString(),
                "-c", project.toString(), "--out", out.toString(), "--format", "json");
        assertThat(verify.exit()).as("verify-lib:\n%s%s", verify.out(), verify.err()).isZero();
        String json = verify.out();
        assertThat(json).contains("image-bytes").doesNotContain("cannot dlopen");
    }

    @Test
    @Order(3)
    void aNoOpRerunRunsNothing() throws Exception {
        Path out = WORK.resolve("out");
        CliRun.Run run = CliRun.run("pipeline", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> statuses = new ArrayList<>();
        run.json().path("steps").forEach(s -> statuses.add(s.path("status").asText()));
        assertThat(statuses).isNotEmpty().allMatch("cached"::equals);
    }
}
