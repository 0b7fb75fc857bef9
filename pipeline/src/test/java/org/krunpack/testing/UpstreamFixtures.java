package org.krunpack.testing;

import java.nio.file.Path;

/** The shared fixtures under the name the packaging and COPR tests know; {@link RealFixtures} finds them. */
public final class UpstreamFixtures {
    /** The repository root (tests run in a module directory). */
    public static final Path ROOT = RealFixtures.repoRoot();

    private UpstreamFixtures() {
    }

    public static Path dir() {
        return RealFixtures.dir();
    }

    /** A fixture file, e.g. {@code libkrun/libkrun-1.18.1.tar.gz}. */
    public static Path file(String relative) {
        return RealFixtures.file(relative);
    }
}
