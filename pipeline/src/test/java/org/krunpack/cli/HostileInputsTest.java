package org.krunpack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.testing.CliRun;
import org.krunpack.testing.TarBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Special files (/dev/zero, a FIFO, a directory) and bad names as every kind of input path, as a
 * user or an attacker would name them: exit 2 naming the field and what the path is, one JSON
 * document with --format json, never an OutOfMemoryError, a stack trace or exit 4.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileInputsTest {
    @TempDir
    Path dir;
    Path fifo;
    Path tarball;
    String sha;

    @BeforeEach
    void setUp() throws Exception {
        fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor()).as("mkfifo (coreutils) is needed").isZero();
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        tarball = new TarBuilder().dir("linux-6.1.7/").file("linux-6.1.7/Makefile",
                "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 7\n").write(dir.resolve("k.tar.gz"), TarBuilder.Compression.GZIP);
        sha = org.krunpack.core.Digests.sha512(tarball);
    }

    /** The special paths, and the words that must describe each. */
    private Map<String, String> specials() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("/dev/zero", "a character device");
        m.put(fifo.toString(), "a FIFO");
        m.put(dir.resolve("adir").toString(), "a directory");
        return m;
    }

    private Path project(String kernel, String extra) throws Exception {
        Path p = dir.resolve("krunpack.yaml");
        Files.createDirectories(dir.resolve("adir"));
        Files.writeString(p, """
                libkrunfw: {version: "5.5.0", abi: 5}
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {%s, sha512: "%s"}
                %s
                """.formatted(kernel, sha, extra));
        return p;
    }

    private static void assertRefused(CliRun.Run r, String what, String field, String kind) throws Exception {
        assertThat(r.exit()).as(what + "\n" + r.err()).isEqualTo(2);
        JsonNode doc = r.json();
        assertThat(doc.path("exitCode").asInt()).as(what).isEqualTo(2);
        assertThat(doc.path("error").asText()).as(what).contains(field).contains(kind);
        assertThat(r.err() + r.out()).as(what).doesNotContain("OutOfMemoryError").doesNotContain("\tat ")
                .doesNotContain("Exception");
    }

    private CliRun.Run patchesCheck(Path project) {
        return CliRun.run("patches", "check", "-c", project.toString(), "--out", dir.resolve("out").toString(),
                "--format", "json");
    }

    @Test
    void everyProjectFileInputRefusesSpecialFiles() throws Exception {
        List<String> seen = new ArrayList<>();
        Map<String, Function<String, String>> fields = new LinkedHashMap<>();
        fields.put("patches.series", v -> "patches: {series: \"" + v + "\"}\nconfig: {fragments: [a.config]}");
        fields.put("config.fragments[0]", v -> "config: {fragments: [\"" + v + "\"]}");
        fields.put("config.features", v -> "config: {fragments: [a.config], features: \"" + v + "\"}");
        for (Map.Entry<String, String> s : specials().entrySet()) {
            for (Map.Entry<String, Function<String, String>> f : fields.entrySet()) {
                Path p = project("path: k.tar.gz", f.getValue().apply(s.getKey()));
                assertRefused(patchesCheck(p), f.getKey() + " = " + s.getKey(), f.getKey(), s.getValue());
                seen.add(f.getKey());
            }
            Path p = project("path: \"" + s.getKey() + "\"", "config: {fragments: [a.config]}");
            assertRefused(patchesCheck(p), "sources.kernel = " + s.getKey(), "sources.kernel", s.getValue());
            if (!s.getValue().equals("a directory")) { // a directory is a release source tree
                p = project("path: k.tar.gz", "  release: {path: \"" + s.getKey() + "\", sha512: \"" + sha
                        + "\"}\nconfig: {fragments: [a.config]}");
                assertRefused(patchesCheck(p), "sources.release = " + s.getKey(), "sources.release", s.getValue());
            }
            p = project("path: k.tar.gz", "config: {fragments: [a.config]}\npackaging: {model: \"" + s.getKey()
                    + "\"}");
            assertRefused(CliRun.run("spec", "-c", p.toString(), "--format", "json"), "packaging.model = " + s.getKey(),
                    "packaging.model", s.getValue());
            CliRun.Run r = CliRun.run("patches", "check", "-c", s.getKey(), "--format", "json");
            assertRefused(r, "--config " + s.getKey(), "--config", s.getValue());
        }
        assertThat(seen).isNotEmpty();
    }

    @Test
    void everyImageAndLibraryOptionRefusesSpecialFiles() throws Exception {
        Path p = project("path: k.tar.gz", "variant: sev\nconfig: {fragments: [a.config]}");
        Path real = Files.write(dir.resolve("real.bin"), new byte[]{1, 2, 3});
        for (Map.Entry<String, String> s : specials().entrySet()) {
            String v = s.getKey();
            String out = dir.resolve("out").toString();
            assertRefused(CliRun.run("bundle", "-c", p.toString(), "--out", out, "--image", v, "--initrd",
                    real.toString(), "--qboot", real.toString(), "--format", "json"), "bundle --image " + v, "--image",
                    s.getValue());
            assertRefused(CliRun.run("bundle", "-c", p.toString(), "--out", out, "--image", real.toString(),
                    "--initrd", v, "--qboot", real.toString(), "--format", "json"), "bundle --initrd " + v, "--initrd",
                    s.getValue());
            assertRefused(CliRun.run("bundle", "-c", p.toString(), "--out", out, "--image", real.toString(),
                    "--initrd", real.toString(), "--qboot", v, "--format", "json"), "bundle --qboot " + v, "--qboot",
                    s.getValue());
            assertRefused(CliRun.run("verify-lib", v, "--format", "json"), "verify-lib " + v, "library FILE",
                    s.getValue());
            assertRefused(CliRun.run("verify-lib", real.toString(), "--image", v, "--format", "json"),
                    "verify-lib --image " + v, "--image", s.getValue());
            assertRefused(CliRun.run("smoke", "-c", p.toString(), "--out", out, "--lib", v, "--format", "json"),
                    "smoke --lib " + v, "--lib", s.getValue());
        }
    }

    @Test
    void badSourceNamesAreRefusedAtValidationNamingTheField() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("path: k.tar.gz, name: \"a/b.tar.gz\"", "sources.kernel.name");
        cases.put("path: k.tar.gz, name: \"/\"", "sources.kernel.name");
        cases.put("path: k.tar.gz, name: \"..\"", "sources.kernel.name");
        cases.put("path: k.tar.gz, name: \"k.tar.gz\\nSHA512 (evil) = 00\"", "sources.kernel.name");
        cases.put("url: \"https://example.org/k.tar.gz%0ASHA512%20(evil)\"", "sources.kernel.url");
        cases.put("url: \"https://example.org/dir/\"", "sources.kernel.url");
        cases.put("path: \"/\"", "sources.kernel");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path p = project(c.getKey(), "config: {fragments: [a.config]}");
            CliRun.Run r = patchesCheck(p);
            assertThat(r.exit()).as(c.getKey() + "\n" + r.err()).isEqualTo(2);
            JsonNode doc = r.json();
            assertThat(doc.path("problems").toString()).as(c.getKey()).contains(c.getValue());
            assertThat(r.err()).as(c.getKey()).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(dir.resolve("out/sources")).as("nothing written for " + c.getKey()).doesNotExist();
        }
    }

    @Test
    void anArchiveOverALimitStopsTheCommandWithExit2NamingTheOption() throws Exception {
        Path deep = new TarBuilder().dir("linux-6.1.7/").file("linux-6.1.7/Makefile",
                        "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 7\n")
                .file("linux-6.1.7/" + "a/".repeat(3000) + "f", "x").write(dir.resolve("deep.tar.gz"),
                        TarBuilder.Compression.GZIP);
        sha = org.krunpack.core.Digests.sha512(deep);
        Path p = project("path: deep.tar.gz", "  limits: {entries: 100000}\nconfig: {fragments: [a.config]}");
        CliRun.Run r = patchesCheck(p);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.json().path("error").asText()).contains("sources.limits.pathLength").hasSizeLessThan(800);
        assertThat(r.err()).doesNotContain("external tool").doesNotContain("\tat ");
    }
}
