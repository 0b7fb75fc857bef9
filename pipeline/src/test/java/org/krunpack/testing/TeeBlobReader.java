package org.krunpack.testing;

import org.krunpack.core.Sandbox;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader of a TEE variant library that is not krunpack's code: tee-blob-reader.c, compiled with
 * gcc, dlopens the library in the sandbox, calls {@code krunfw_get_qboot} and
 * {@code krunfw_get_initrd} and compares what they return with the given files. It prints
 * {@code qboot same N padded M} / {@code initrd same N padded M} (the file's size, then the size returned:
 * the file rounded up to 64 KiB with zeros) and exits 0, or says what is missing or differs (exit 1).
 */
public final class TeeBlobReader {
    private TeeBlobReader() {
    }

    /** Compiles the reader into {@code dir} and runs it on {@code lib} in the sandbox. */
    public static Sandbox.Result run(Path lib, Path qboot, Path initrd, Path dir) throws Exception {
        Sandbox sandbox = Sandbox.forInputs(false);
        assertThat(sandbox.canRun()).as("the sandbox: %s", sandbox.whyNot()).isTrue();
        Files.createDirectories(dir);
        Path src = dir.resolve("tee-blob-reader.c");
        try (InputStream in = TeeBlobReader.class.getResourceAsStream("tee-blob-reader.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path exe = dir.resolve("tee-blob-reader");
        Process p = new ProcessBuilder("gcc", "-O1", "-Wall", "-o", exe.toString(), src.toString(), "-ldl")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("gcc: %s", out).isZero();
        Path scratch = Files.createTempDirectory(dir, "scratch");
        return sandbox.run(Sandbox.Request.of(List.of(exe.toString(), lib.toString(), qboot.toString(),
                initrd.toString()), scratch));
    }
}
