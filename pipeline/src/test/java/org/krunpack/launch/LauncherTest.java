package org.krunpack.launch;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher script {@code ./krunpack} and its start-up archive, run as a user runs it, in a
 * copy of the repository's layout whose jar holds a stand-in {@code Main} (prints its arguments)
 * and {@code StartupTraining}: the archive is recorded once, then mapped; a corrupt archive, a JVM
 * that cannot dump one, or {@code KRUNPACK_CDS=off} never change what a run prints or returns.
 */
@Tag("tools")
class LauncherTest {
    @TempDir
    Path tmp;
    Path root;
    Path jar;
    Path start;

    @BeforeEach
    void layout() throws Exception {
        root = tmp.resolve("repo");
        Path target = Files.createDirectories(root.resolve("pipeline/target"));
        for (String d : List.of("core", "specgen")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path script = Files.copy(Path.of("../krunpack"), root.resolve("krunpack"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = target.resolve("krunpack-all.jar");
        writeJar(jar, tmp.resolve("classes"));
        start = target.resolve("start");
    }

    @Test
    void theFirstRunRecordsTheArchiveAndLaterRunsMapIt() throws Exception {
        Run first = run(Map.of(), "bundle", "--format", "json");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("main bundle --format json\n");
        assertThat(first.err()).contains("recording the start-up archive");
        assertThat(archives()).hasSize(1).allMatch(p -> p.getFileName().toString().endsWith(".jsa"));

        Run second = run(Map.of("KRUNPACK_CDS", "verbose"), "--version");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).isEqualTo("main --version\n");
        assertThat(second.err()).doesNotContain("recording")
                .contains("start-up archive: " + archives().get(0))
                .contains("Mapped static"); // the JVM's own log: it did map our archive
    }

    @Test
    void aCorruptArchiveIsIgnoredSilently() throws Exception {
        run(Map.of(), "x");
        Files.write(archives().get(0), "not an archive".getBytes(StandardCharsets.US_ASCII));
        Run r = run(Map.of(), "x", "y");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("main x y\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void whenNoArchiveCanBeMadeTheRunsStillWorkAndItIsNotRetried() throws Exception {
        // A JVM home whose java refuses to dump an archive.
        Path realHome = Path.of(System.getProperty("java.home"));
        Path home = Files.createDirectories(tmp.resolve("jdk/bin"));
        Files.copy(realHome.resolve("release"), tmp.resolve("jdk/release"));
        Path java = Files.writeString(home.resolve("java"), """
                #!/bin/sh
                for a in "$@"; do [ "$a" = -Xshare:dump ] && { echo "no archive today" >&2; exit 1; }; done
                exec %s "$@"
                """.formatted(realHome.resolve("bin/java")));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("KRUNPACK_JAVA", java.toString());

        Run first = run(env, "a");
        assertThat(first.exit()).isZero();
        assertThat(first.out()).isEqualTo("main a\n");
        assertThat(archives()).isEmpty();
        try (Stream<Path> files = Files.list(start)) {
            Path failed = files.filter(p -> p.toString().endsWith(".jsa.failed")).findFirst().orElseThrow();
            assertThat(Files.readString(failed)).contains("no archive today");
        }
        Run second = run(env, "b");
        assertThat(second.out()).isEqualTo("main b\n");
        assertThat(second.err()).doesNotContain("recording");
    }

    @Test
    void aNewJarGetsANewArchiveAndTheOldOneGoes() throws Exception {
        run(Map.of(), "x");
        Path old = archives().get(0);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
        Run r = run(Map.of(), "x");
        assertThat(r.err()).contains("recording");
        assertThat(archives()).hasSize(1).doesNotContain(old);
    }

    @Test
    void offMeansNoArchive() throws Exception {
        Run r = run(Map.of("KRUNPACK_CDS", "off"), "x");
        assertThat(r.out()).isEqualTo("main x\n");
        assertThat(start).doesNotExist();
    }

    record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("krunpack").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().remove("KRUNPACK_CDS");
        pb.environment().put("KRUNPACK_JAVA", Path.of(System.getProperty("java.home"), "bin/java").toString());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        return new Run(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(start)) {
            return files.filter(p -> p.toString().endsWith(".jsa")).toList();
        }
    }

    /** A jar with a stand-in Main (prints "main" and its arguments) and StartupTraining. */
    private static void writeJar(Path jar, Path classes) throws IOException {
        Path src = Files.createDirectories(classes.resolve("src"));
        Path main = Files.writeString(src.resolve("Main.java"), """
                package org.krunpack.cli;
                public class Main {
                    public static void main(String[] args) {
                        System.out.println(("main " + String.join(" ", args)).strip());
                    }
                }
                """);
        Path training = Files.writeString(src.resolve("StartupTraining.java"), """
                package org.krunpack.launch;
                public class StartupTraining {
                    public static void main(String[] args) {
                        new java.util.zip.CRC32().update(new byte[16]);
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createDirectories(classes.resolve("out"));
        assertThat(javac.run(null, null, null, "--release", "17", "-d", out.toString(), main.toString(),
                training.toString())).isZero();
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os);
             Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(out.relativize(f).toString()));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
    }
}
