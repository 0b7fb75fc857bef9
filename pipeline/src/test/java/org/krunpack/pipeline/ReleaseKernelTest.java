package org.krunpack.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.krunpack.core.Digests;
import org.krunpack.testing.CliRun;
import org.krunpack.testing.RealFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on a real kernel and the real libkrunfw 5.5.0 release: Debian's 6.12.117 tarball, the
 * release's patches with the maintainer's refreshed 0008, our series, the small CI config
 * ({@code kernel-config/ci/} + the x86_64 layer) plus the release layer (TSI, vsock, virtio rtc and
 * can) → kernel → bundle → verify-lib → smoke boot under QEMU with the TSI and vsock-datagram
 * probes; a no-op rerun runs nothing; a second build in another directory is byte-identical; and
 * the release's 0008 at fuzz 3 applies but fails in the patched-code step, before the full build.
 * One kernel configuration, built twice (the second time from ccache).
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseKernelTest {
    private static final Path WORK = Path.of("target/release-kernel").toAbsolutePath();
    private static final Path KC = RealFixtures.repoRoot().resolve("kernel-config");
    private static Path project;
    private static Path fuzzProject;

    @BeforeAll
    static void writeProjects() throws Exception {
        Files.createDirectories(WORK);
        String common = RealFixtures.release550OnDebianKernel() + RealFixtures.ciConfigX86_64() + """
                build: {ccache: auto}
                """;
        project = Files.writeString(WORK.resolve("krunpack.yaml"), common
                + RealFixtures.release550PatchesWithRefreshed0008());
        fuzzProject = Files.writeString(WORK.resolve("fuzz3.yaml"), common + """
                patches:
                  fromRelease: true
                  release:
                    - patch: 0008-virtio-vsock-support-dgrams.patch
                      fuzz: 3
                      reason: what a maintainer might try first; it applies, but does it build?
                """);
    }

    static CliRun.Run krunpack(String... args) {
        return CliRun.run(args);
    }

    static JsonNode step(JsonNode doc, String name) {
        for (JsonNode s : doc.get("steps")) {
            if (s.get("step").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + doc);
    }

    @Test
    @Order(1)
    void pipelineBuildsBundlesVerifiesAndBootsWithTsiAndVsockDatagrams() throws Exception {
        Path out = WORK.resolve("out1");
        CliRun.Run run = krunpack("pipeline", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        JsonNode doc = run.json();
        assertThat(run.exit()).as("exit code; stderr:\n%s\nstdout:\n%s", run.err(), run.out()).isZero();
        assertThat(doc.path("result").asText()).isEqualTo("ok");
        JsonNode artifacts = doc.path("artifacts");
        for (String role : new String[] {"kernel-tarball", "sources-file", "kernel-tree", "patch-report",
                "kernel-config", "config-report", "kernel-image", "build-log", "library"}) {
            assertThat(artifacts.has(role)).as("artifact %s in %s", role, artifacts).isTrue();
            assertThat(Path.of(artifacts.path(role).asText())).exists();
        }
        Path library = Path.of(artifacts.path("library").asText());
        assertThat(library.getFileName().toString()).isEqualTo("libkrunfw.so.5.5.0");
        assertThat(library.resolveSibling("libkrunfw.so.5")).isSymbolicLink();
        assertThat(step(doc, "release").path("details").path("rebase").path("from").asText()).isEqualTo("6.12.91");
        assertThat(step(doc, "patched-code").path("details").path("files")).isNotEmpty();
        assertThat(step(doc, "config").path("details").path("patchOptionsOff")).isEmpty();

        // The smoke step reports the QEMU boot ("smoke") and the libkrun backend ("smoke-libkrun").
        JsonNode smoke = step(doc, "smoke").path("details").path("smoke");
        String accel = smoke.path("accelerator").path("name").asText();
        assertThat(accel).isIn("kvm", "tcg");
        assertThat(smoke.path("accelerator").path("reason").asText()).isNotBlank();
        assertThat(smoke.path("timing").path("initMarkerMs").asLong()).isPositive();
        List<String> present = new ArrayList<>();
        smoke.path("features").forEach(f -> {
            if (f.path("present").asBoolean()) {
                present.add(f.path("feature").asText());
            }
        });
        assertThat(present).as("features the guest has: %s", smoke.path("features"))
                .contains("tsi", "tsi-dgram", "tsi6", "tsi-unix", "tsi-hijack", "vsock-dgram", "vsock-socket",
                        "virtio-console", "virtio-blk");

        // verify-lib, independently, against the vmlinux it came from
        CliRun.Run verify = krunpack("verify-lib", library.toString(), "--image",
                artifacts.path("kernel-image").asText(), "-c", project.toString(), "--out", out.toString());
        assertThat(verify.exit()).as("verify-lib:\n%s%s", verify.out(), verify.err()).isZero();
    }

    @Test
    @Order(2)
    void aNoOpRerunRunsNoStepAndEntersNoMake() throws Exception {
        Path out = WORK.resolve("out1");
        CliRun.Run run = krunpack("pipeline", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> statuses = new ArrayList<>();
        run.json().path("steps").forEach(s -> statuses.add(s.path("step").asText() + "=" + s.path("status").asText()));
        assertThat(statuses).containsExactly("sources=cached", "release=cached", "tree=cached", "patches=cached",
                "config=cached", "patched-code=cached", "kernel=cached", "bundle=cached", "verify-lib=cached",
                "smoke=cached");
    }

    @Test
    @Order(3)
    void aSecondBuildFromTheSameInputsIsByteIdentical() throws Exception {
        Path first = WORK.resolve("out1/bundle/libkrunfw.so.5.5.0");
        assertThat(first).as("the first build's library").exists();
        Path out = WORK.resolve("out2");
        CliRun.Run run = krunpack("build", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        assertThat(run.exit()).as("second build; stderr:\n%s", run.err()).isZero();
        Path second = out.resolve("bundle/libkrunfw.so.5.5.0");
        assertThat(Digests.sha512(second)).as("library of the second build").isEqualTo(Digests.sha512(first));
        assertThat(Digests.sha512(out.resolve("kernel/vmlinux")))
                .as("vmlinux of the second build")
                .isEqualTo(Digests.sha512(WORK.resolve("out1/kernel/vmlinux")));
    }

    /** The release's 0008 at fuzz 3 applies on 6.12.117 but does not compile: found before the full build. */
    /**
     * The SEV variant of the same kernel: the release's qboot and initrd bundled, verify-lib passes
     * the variant contract, and the smoke step boots the variant's kernel as a plain guest, saying
     * that a SEV guest needs a SEV host (this machine is not one).
     */
    @Test
    @Order(4)
    void theSevVariantOfTheSameKernelCarriesTheReleasesBlobsAndBootsAsAPlainGuest() throws Exception {
        Path vmlinux = WORK.resolve("out1/kernel/vmlinux");
        assertThat(vmlinux).as("the first build's vmlinux").exists();
        Path rel = Files.createDirectories(WORK.resolve("sev-blobs"));
        Process tar = new ProcessBuilder("tar", "xzf", RealFixtures.libkrunfw("5.5.0").toString(), "-C", rel.toString(),
                "libkrunfw-5.5.0/qboot/sev/bios.bin", "libkrunfw-5.5.0/initrd/initrd.gz").redirectErrorStream(true).start();
        String tarOut = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor()).as("tar: %s", tarOut).isZero();
        Path qboot = rel.resolve("libkrunfw-5.5.0/qboot/sev/bios.bin");
        Path initrd = rel.resolve("libkrunfw-5.5.0/initrd/initrd.gz");
        Path sev = Files.writeString(WORK.resolve("sev.yaml"),
                Files.readString(project).replace("arch: x86_64\n", "arch: x86_64\nvariant: sev\n"));
        Path out = WORK.resolve("out-sev");
        CliRun.Run bundle = krunpack("bundle", "-c", sev.toString(), "--image", vmlinux.toString(), "--qboot",
                qboot.toString(), "--initrd", initrd.toString(), "--out", out.toString(), "--format", "json");
        assertThat(bundle.exit()).as("bundle: %s", bundle.err()).isZero();
        Path library = out.resolve("bundle/libkrunfw-sev.so.5.5.0");
        assertThat(library).exists();

        CliRun.Run verify = krunpack("verify-lib", library.toString(), "--image", vmlinux.toString(), "-c",
                sev.toString(), "--out", out.toString(), "--format", "json");
        assertThat(verify.exit()).as("verify-lib:\n%s%s", verify.out(), verify.err()).isZero();
        assertThat(verify.out()).contains("\"qboot\"", "\"initrd\"");

        CliRun.Run smoke = krunpack("smoke", "--lib", library.toString(), "--features",
                KC.resolve("features.yaml").toString(), "--kernel-config", WORK.resolve("out1/config/config").toString(),
                "--no-libkrun", "--out", out.toString(), "--format", "json");
        assertThat(smoke.exit()).as("smoke:\n%s%s", smoke.out(), smoke.err()).isZero();
        JsonNode details = step(smoke.json(), "smoke").path("details");
        assertThat(details.path("variant").path("name").asText()).isEqualTo("sev");
        assertThat(details.path("variant").path("teeBooted").asBoolean(true)).isFalse();
        assertThat(details.path("variant").path("note").asText()).contains("needs an AMD SEV host");
        assertThat(details.path("timing").path("initMarkerMs").asLong()).isPositive();
    }

    @Test
    @Order(5)
    void the0008AtFuzz3FailsInThePatchedCodeStepNamingFileAndPatch() throws Exception {
        Path out = WORK.resolve("out1");
        long t0 = System.nanoTime();
        CliRun.Run run = krunpack("build", "-c", fuzzProject.toString(), "--out", out.toString(), "--format", "json");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        JsonNode doc = run.json();
        JsonNode patches = step(doc, "patches").path("details").path("patches");
        assertThat(patches.get(7).path("status").asText()).isEqualTo("fuzz");
        JsonNode pc = step(doc, "patched-code");
        assertThat(pc.path("status").asText()).isEqualTo("failed");
        assertThat(pc.path("summary").toString()).contains("net/vmw_vsock/virtio_transport_common.c",
                "0008-virtio-vsock-support-dgrams.patch");
        assertThat(step(doc, "kernel").path("status").asText()).isEqualTo("not-run");
        System.out.printf("fuzz-3 0008: patched-code verdict %d s after the command started (%s)%n", seconds,
                pc.path("summary"));
    }
}
