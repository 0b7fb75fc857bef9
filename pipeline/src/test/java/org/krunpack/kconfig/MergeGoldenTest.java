package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;
import org.krunpack.testing.Golden;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MergeGoldenTest {
    static final Path FIXTURES = Path.of("src/test/resources/kconfig");

    static Merge fixtureMerge() {
        return Merge.of(List.of(
                Fragment.read(FIXTURES.resolve("fragments/a.config"), "a.config"),
                Fragment.read(FIXTURES.resolve("fragments/b.config"), "b.config")));
    }

    @Test
    void merged_fixture_fragments_match_the_golden_file() {
        Merge m = fixtureMerge();
        assertThat(m.redefinitions()).extracting(Redefinition::describe).containsExactly(
                "CONFIG_SMP: y (a.config:3) redefined as n (b.config:3)",
                "CONFIG_PCI: y (a.config:5) redefined as n (b.config:5)");
        Golden.assertMatches("kconfig/merged.config", m.text());
    }

    @Test
    void our_layers_merge_without_redefinitions() {
        Path dir = Path.of("../kernel-config");
        Merge m = Merge.of(List.of(
                Fragment.read(dir.resolve("10-base.config"), "10-base.config"),
                Fragment.read(dir.resolve("20-containers.config"), "20-containers.config"),
                Fragment.read(dir.resolve("30-x86_64.config"), "30-x86_64.config")));
        assertThat(m.redefinitions()).isEmpty();
        Golden.assertMatches("kconfig/layers-merged.config", m.text());
    }
}
