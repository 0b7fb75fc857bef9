package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Our kernel-config/ fragments keep their convention: a "# why:" line above every option. */
class OurFragmentsTest {
    @Test
    void every_option_has_a_reason_and_every_fragment_parses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("../kernel-config"))) {
            files = s.filter(p -> p.toString().endsWith(".config")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        List<String> missing = new ArrayList<>();
        for (Path f : files) {
            Fragment.read(f, f.getFileName().toString()); // throws on bad syntax
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                boolean option = l.startsWith("CONFIG_") || l.matches("#\\s*CONFIG_\\w+ is not set");
                if (!option) {
                    continue;
                }
                int j = i - 1;
                while (j >= 0 && lines.get(j).strip().startsWith("# krunpack-exempt:")) {
                    j--;
                }
                if (j < 0 || !lines.get(j).strip().matches("# why: \\S.*")) {
                    missing.add(f.getFileName() + ":" + (i + 1) + ": " + l);
                }
            }
        }
        assertThat(missing).as("options without a '# why:' line above them").isEmpty();
    }
}
