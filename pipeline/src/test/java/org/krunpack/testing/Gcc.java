package org.krunpack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs gcc and binutils from tests (tests using it are tagged "tools"). */
public final class Gcc {
    private Gcc() {
    }

    /** Runs a command in {@code dir}; fails the test with its output when it does not exit 0. */
    public static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    /** Compiles sources in {@code dir} into a shared library with the given SONAME. */
    public static Path sharedLibrary(Path dir, String fileName, String soname, String... sources)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-fPIC", "-shared", "-o", fileName));
        if (soname != null) {
            cmd.add("-Wl,-soname," + soname);
        }
        cmd.addAll(List.of(sources));
        run(dir, cmd.toArray(String[]::new));
        return dir.resolve(fileName);
    }

    public static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
