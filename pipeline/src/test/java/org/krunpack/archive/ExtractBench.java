package org.krunpack.archive;

import java.nio.file.Path;

/** Times one extraction: {@code ExtractBench ARCHIVE TARGET} (used by scripts/bench-extract). */
public final class ExtractBench {
    private ExtractBench() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        SafeExtractor.Result r = SafeExtractor.extract(Path.of(args[0]), Path.of(args[1]), true);
        System.out.printf("krunpack: %d entries, %d files, %d MiB in %.1f s%n", r.entries(), r.files(),
                r.bytes() >> 20, (System.nanoTime() - start) / 1e9);
    }
}
