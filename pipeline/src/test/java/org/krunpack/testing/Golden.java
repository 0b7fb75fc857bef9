package org.krunpack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden-file assertions: compares generated text byte for byte with
 * {@code src/test/resources/golden/<name>}. Run {@code ./scripts/regen-golden} (which sets
 * {@code -Dkrunpack.regenGolden=true}) to rewrite every golden file, then review the diff.
 */
public final class Golden {
    private static final Path ROOT = Path.of("src/test/resources/golden");

    private Golden() {
    }

    public static void assertMatches(String name, String actual) {
        Path file = ROOT.resolve(name);
        try {
            if (Boolean.getBoolean("krunpack.regenGolden")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            assertThat(file).as("golden file %s is missing: run ./scripts/regen-golden", file).exists();
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(actual)
                    .as("output differs from golden file %s (if intended: ./scripts/regen-golden, then review"
                            + " git diff)", file)
                    .isEqualTo(expected);
        } catch (IOException e) {
            throw new AssertionError("cannot read or write golden file " + file, e);
        }
    }
}
