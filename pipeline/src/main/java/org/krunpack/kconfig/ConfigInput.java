package org.krunpack.kconfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    /**
     * A full config, resolved with {@code make olddefconfig}; {@code exempt}: symbol (without
     * {@code CONFIG_}) → the maintainer's reason for accepting that the kernel drops or changes it
     * (the project file's {@code config.exempt}, for a config krunpack does not own, such as the
     * release's). An exempt symbol the config does not set is a usage error.
     */
    record Full(Path file, Map<String, String> exempt) implements ConfigInput {
        public Full {
            Objects.requireNonNull(file, "file");
            exempt = Map.copyOf(exempt);
        }

        public Full(Path file) {
            this(file, Map.of());
        }
    }

    static ConfigInput fragments(List<Path> files, boolean strict) {
        return new Fragments(files, strict);
    }

    static ConfigInput full(Path file) {
        return new Full(file);
    }

    static ConfigInput full(Path file, Map<String, String> exempt) {
        return new Full(file, exempt);
    }
}
