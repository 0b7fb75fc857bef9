package org.krunpack.review;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/review.md lists every check with its level and guideline, and every rpmlint filter. */
class ReviewDocsTest {
    @Test
    void docsListEveryCheckAndFilter() throws Exception {
        String doc = Files.readString(Path.of("../docs/review.md"));
        for (Rule c : Rule.values()) {
            assertThat(doc).contains("| `" + c.id() + "` | " + c.level() + " | " + c.group().title() + " | "
                    + c.guideline() + " |");
        }
        for (Rpmlint.Filter f : Rpmlint.FILTERS) {
            assertThat(doc).contains(f.id());
        }
    }
}
