package org.krunpack.pipeline;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * A named value one step produces and later steps read (a tree's path, the applied series' digest).
 * Values are kept as text in step records, so a skipped step still provides them.
 *
 * @param name   the value's name in records
 * @param encode value to text
 * @param decode text to value
 * @param <T>    the value's type
 */
public record Key<T>(String name, Function<T, String> encode, Function<String, T> decode) {
    public static Key<Path> path(String name) {
        return new Key<>(name, Path::toString, Path::of);
    }

    public static Key<String> text(String name) {
        return new Key<>(name, s -> s, s -> s);
    }
}
