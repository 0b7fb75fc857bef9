package org.krunpack.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.krunpack.cli.Main;
import org.krunpack.core.Digests;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End to end on a real kernel: Debian's 6.12 tarball, our patch series, the small CI config
 * ({@code kernel-config/ci/} + the x86_64 layer) → kernel build → bundle → verify-lib → smoke boot
 * under QEMU; then a second build from the same inputs in another directory gives a byte-identical
 * library. Needs the tools {@code ./run-tests} installs; takes 5–10 minutes with a cold ccache.
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpineKernelTest {
    private static final Path TARBALL = Path.of("/usr/src/linux-source-6.12.tar.xz");
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target/spine-kernel").toAbsolutePath();
    private static Path project;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not one JSON document on stdout:\n" + out + "\nstderr:\n" + err, e);
            }
        }
    }

    static Run krunpack(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void writeProject() throws Exception {
        if (!Files.isRegularFile(TARBALL)) {
            fail(TARBALL + " is missing: install linux-source-6.12 (./run-tests does)");
        }
        Files.createDirectories(WORK);
        project = WORK.resolve("krunpack.yaml");
        Files.writeString(project, """
                libkrunfw: {version: "5.5.0", abi: 5}
                arch: x86_64
                sourceDateEpoch: 1735689600
                sources:
                  kernel:
                    - path: %s
                      name: linux-6.12.tar.xz
                      sha512: %s
                patches:
                  series: %s/patches/series
                config:
                  fragments:
                    - %s/kernel-config/ci/10-ci-base.config
                    - %s/kernel-config/30-x86_64.config
                  features: %s/kernel-config/features.yaml
                  strict: true
                build:
                  ccache: auto
                """.formatted(TARBALL, Digests.sha512(TARBALL), REPO, REPO, REPO, REPO));
    }

    @Test
    @Order(1)
    void pipelineBuildsBundlesVerifiesAndBoots() {
        Path out = WORK.resolve("out1");
        Run run = krunpack("pipeline", "-c", project.toString(), "--out", out.toString(), "--format", "json");
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
        assertThat(library.resolveSibling("libkrunfw.so")).isSymbolicLink();

        JsonNode smoke = null;
        for (JsonNode step : doc.path("steps")) {
            assertThat(step.path("ok").asBoolean()).as("step %s", step.path("step")).isTrue();
            if (step.path("step").asText().equals("smoke")) {
                smoke = step.path("details");
            }
        }
        assertThat(smoke).as("smoke step in %s", doc.path("steps")).isNotNull();
        String accel = smoke.path("accelerator").path("name").asText();
        assertThat(accel).isIn("kvm", "tcg");
        assertThat(smoke.path("accelerator").path("reason").asText()).isNotBlank();
        assertThat(smoke.path("timing").path("initMarkerMs").asLong()).isPositive();

        // verify-lib, independently, against the vmlinux it came from
        Run verify = krunpack("verify-lib", library.toString(), "--image",
                artifacts.path("kernel-image").asText(), "-c", project.toString(), "--out", out.toString());
        assertThat(verify.exit()).as("verify-lib:\n%s%s", verify.out(), verify.err()).isZero();
    }

    @Test
    @Order(2)
    void aSecondBuildFromTheSameInputsIsByteIdentical() throws Exception {
        Path first = WORK.resolve("out1/bundle/libkrunfw.so.5.5.0");
        assertThat(first).as("the first build's library").exists();
        Path out = WORK.resolve("out2");
        Run run = krunpack("build", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        assertThat(run.exit()).as("second build; stderr:\n%s", run.err()).isZero();
        Path second = out.resolve("bundle/libkrunfw.so.5.5.0");
        assertThat(Digests.sha512(second)).as("library of the second build").isEqualTo(Digests.sha512(first));
        assertThat(Digests.sha512(out.resolve("kernel/vmlinux")))
                .as("vmlinux of the second build")
                .isEqualTo(Digests.sha512(WORK.resolve("out1/kernel/vmlinux")));
    }

    @Test
    @Order(3)
    void anUnchangedTreeIsReused() {
        Path out = WORK.resolve("out1");
        Run run = krunpack("config", "-c", project.toString(), "--out", out.toString(), "--format", "json");
        assertThat(run.exit()).as("config; stderr:\n%s", run.err()).isZero();
        JsonNode tree = null;
        for (JsonNode step : run.json().path("steps")) {
            if (step.path("step").asText().equals("tree")) {
                tree = step.path("details");
            }
        }
        assertThat(tree).isNotNull();
        assertThat(tree.path("reused").asBoolean()).as("tree step details %s", tree).isTrue();
    }
}
