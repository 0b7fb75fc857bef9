package org.krunpack.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The config command's usage errors (no make needed: they stop before Kconfig runs). */
class ConfigCommandTest {
    static final Path FIXTURE_TREE = Path.of("src/test/resources/kconfig/tree").toAbsolutePath();

    private static Path project(Path dir, String fragments) throws Exception {
        Path p = dir.resolve("krunpack.yaml");
        Files.writeString(p, """
                libkrunfw: {version: "5.5.0", abi: 5}
                kernel: {version: "6.12.117"}
                arch: x86_64
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {path: /nonexistent.tar.xz, sha512: "%s"}
                config:
                  fragments: [%s]
                """.formatted("0".repeat(128), fragments));
        return p;
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void bad_fragment_syntax_exits_2_naming_every_file_and_line(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "# why: x\nCONFIG_A=y\nCONFIG_B=maybe\n");
        Files.writeString(dir.resolve("b.config"), "CONFIG_C=y\nVIRTIO=y\n");
        Path project = project(dir, "a.config, b.config");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "config", "-c", project.toString(), "--tree", FIXTURE_TREE.toString(),
                "--out", dir.resolve("out").toString());
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString())
                .contains("a.config:3: CONFIG_B: bad value 'maybe'")
                .contains("b.config:2: not a config line: 'VIRTIO=y'");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void without_tree_the_sources_are_fetched_first_and_a_missing_tarball_is_named(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Path project = project(dir, "a.config");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "config", "-c", project.toString(), "--out", dir.resolve("out").toString(),
                "--format", "json");
        assertThat(rc).isEqualTo(2);
        assertThat(out.toString()).contains("\"result\" : \"error\"").contains("/nonexistent.tar.xz");
        assertThat(err.toString()).contains("sources.kernel");
        assertThat(dir.resolve("out/tree")).doesNotExist();
    }

    @Test
    void a_bad_feature_manifest_is_a_usage_error_and_unknown_options_are_warnings(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Path project = project(dir, "a.config");
        Files.writeString(project, Files.readString(project) + "  features: features.yaml\n");
        Files.writeString(dir.resolve("features.yaml"), "features:\n  a: {options: [A], probe: {kind: nope, value: x}}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "config", "-c", project.toString(), "--tree", dir.toString(),
                "--out", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("features.a.probe.kind: 'nope' is not one of");

        Files.writeString(dir.resolve("features.yaml"), "features:\n  b: {options: [B], probe: {kind: file, value: /b}}\n");
        out = new StringWriter();
        err = new StringWriter();
        assertThat(run(out, err, "config", "-c", project.toString(), "--tree", dir.toString(),
                "--out", dir.resolve("out").toString())).isEqualTo(2); // not a kernel tree
        assertThat(out.toString()).contains("warning: features.yaml: features.b: CONFIG_B is not set by any fragment");
    }

    @Test
    void a_directory_that_is_not_a_kernel_tree_is_refused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Path project = project(dir, "a.config");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "config", "-c", project.toString(), "--tree", dir.toString(),
                "--out", dir.resolve("out").toString());
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains(dir + ": not a kernel tree");
    }

    /**
     * With --tree, Kconfig runs with the project's compiler as in the pipeline's config step: for a
     * foreign arch the cross gcc (its version and what it can assemble are probed into the config),
     * so a cross compiler that is not installed stops the command before make, naming what to do.
     */
    @Test
    void with_tree_a_foreign_arch_resolves_with_its_cross_compiler_and_a_missing_one_is_named(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("a.config"), "# why: x\nCONFIG_A=y\n");
        Path project = project(dir, "a.config");
        Files.writeString(project, Files.readString(project).replace("arch: x86_64", "arch: riscv64")
                + "build: {crossCompile: krunpack-nonexistent-linux-gnu-}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "config", "-c", project.toString(), "--tree", FIXTURE_TREE.toString(),
                "--out", dir.resolve("out").toString());
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("no compiler for riscv64: krunpack-nonexistent-linux-gnu-gcc is not on the PATH",
                "apt-get install gcc-riscv64-linux-gnu", "build.crossCompile");
        assertThat(dir.resolve("out/config")).doesNotExist();
    }
}
