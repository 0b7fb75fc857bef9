package org.krunpack.smoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LibkrunBackendTest {
    @TempDir
    Path tmp;

    @Test
    void sonameComesFromTheFileName() {
        assertThat(LibkrunBackend.soname(Path.of("/x/libkrunfw.so.5.5.0"), -1)).isEqualTo("libkrunfw.so.5");
        assertThat(LibkrunBackend.soname(Path.of("/x/libkrunfw-sev.so.4.9.1"), 4)).isEqualTo("libkrunfw-sev.so.4");
        assertThat(LibkrunBackend.soname(Path.of("/x/weird-name.bin"), 5)).isEqualTo("libkrunfw.so.5");
    }

    @Test
    void findsLibkrunOnlyWithHeaderAndLibrary() throws Exception {
        Path inc = Files.createDirectories(tmp.resolve("include"));
        Path lib = Files.createDirectories(tmp.resolve("lib64"));
        assertThat(LibkrunBackend.find(List.of(inc), List.of(lib))).isEmpty();
        Files.createFile(inc.resolve("libkrun.h"));
        assertThat(LibkrunBackend.find(List.of(inc), List.of(lib))).isEmpty();
        Files.createFile(lib.resolve("libkrun.so.1"));
        assertThat(LibkrunBackend.find(List.of(tmp.resolve("none"), inc), List.of(lib)))
                .contains(new LibkrunBackend.Install(inc, lib));
    }

    @Test
    void aMissingLibraryIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("smoke", "-c", tmp.resolve("none.yaml").toString(), "--lib", tmp.resolve("nope.so").toString(),
                "--accel", "tcg");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("nope.so does not exist").contains("--lib FILE");
    }

    @Test
    void aNonPositiveTimeoutIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("smoke", "--lib", "x.so", "--timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--timeout must be a positive number");
    }
}
