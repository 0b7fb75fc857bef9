package org.krunpack.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real upstream release tarballs of {@code ../shared/fixtures/} (see its README), read where
 * they are: {@code <repository root>/../shared/fixtures}, else {@code /work/shared/fixtures}. A
 * test that cannot find them fails, saying where it looked.
 */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    /** The fixture file at {@code relative} (e.g. "libkrun/libkrun-1.18.1.tar.gz"). */
    public static Path path(String relative) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("krunpack.yaml"))) {
            root = root.getParent();
        }
        Path near = root == null ? null : root.resolve("../shared/fixtures").normalize().resolve(relative);
        if (near != null && Files.isRegularFile(near)) {
            return near;
        }
        Path fallback = Path.of("/work/shared/fixtures").resolve(relative);
        if (Files.isRegularFile(fallback)) {
            return fallback;
        }
        throw new AssertionError("fixture " + relative + " not found (looked in " + near + " and " + fallback
                + "): see ../shared/fixtures/README.md");
    }
}
