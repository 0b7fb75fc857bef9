package org.krunpack.testing;

import java.nio.file.Path;

/** The shared fixtures under the name the bundle tests know; {@link RealFixtures} finds them. */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    /** The fixture file at {@code relative} (e.g. "libkrun/libkrun-1.18.1.tar.gz"). */
    public static Path path(String relative) {
        return RealFixtures.file(relative);
    }
}
