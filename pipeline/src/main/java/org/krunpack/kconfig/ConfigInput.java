package org.krunpack.kconfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the config step starts from: our fragments (merged in order, later wins) or one full
 * config (the project's {@code config.full}, or a libkrunfw release's config for the arch).
 */
public sealed interface ConfigInput {
    /** Fragments merged in order; {@code strict}: a redefinition is an error. */
    record Fragments(List<Path> files, boolean strict) implements ConfigInput {
        public Fragments {
            files = List.copyOf(files);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("at least one fragment is needed");
            }
        }
    }

    /** A full config, resolved with {@code make olddefconfig}. */
    record Full(Path file) implements ConfigInput {
        public Full {
            Objects.requireNonNull(file, "file");
        }
    }

    static ConfigInput fragments(List<Path> files, boolean strict) {
        return new Fragments(files, strict);
    }

    static ConfigInput full(Path file) {
        return new Full(file);
    }
}
