package org.krunpack.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real upstream release tarballs in {@code ../shared/fixtures/} (see its README): found next to
 * the repository, else at {@code /work/shared/fixtures}; a test that needs one and cannot find it
 * fails, naming where it looked.
 */
public final class UpstreamFixtures {
    /** The repository root (tests run in a module directory). */
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private UpstreamFixtures() {
    }

    public static Path dir() {
        Path near = ROOT.resolve("../shared/fixtures").normalize();
        if (Files.isDirectory(near)) {
            return near;
        }
        Path fallback = Path.of("/work/shared/fixtures");
        if (Files.isDirectory(fallback)) {
            return fallback;
        }
        throw new AssertionError("the shared fixtures are missing: looked in " + near + " and " + fallback
                + " (they hold the real upstream releases these tests use)");
    }

    /** A fixture file, e.g. {@code libkrun/libkrun-1.18.1.tar.gz}. */
    public static Path file(String relative) {
        Path f = dir().resolve(relative);
        if (!Files.isRegularFile(f)) {
            throw new AssertionError("fixture " + f + " is missing");
        }
        return f;
    }
}
