package org.krunpack.packaging;

import org.krunpack.project.PackagingConfig;
import org.junit.jupiter.api.Test;
import org.krunpack.project.ProjectLoader;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in rpm/ files must be exactly what the generator makes from rpm/packaging.yaml and
 * the project's packaging settings. With -Dkrunpack.regenGolden=true (./scripts/regen-golden) the
 * test rewrites them instead.
 */
class CheckedInSpecsTest {
    @Test
    void checkedInSpecsMatchTheGenerator() {
        PackagingConfig cfg = org.krunpack.packaging.ProjectPackaging.config(ProjectLoader.load(Fixtures.ROOT.resolve("krunpack.yaml")));
        if (Boolean.getBoolean("krunpack.regenGolden")) {
            Specs.generate(cfg);
        }
        List<String> drift = Specs.drift(cfg);
        assertThat(drift)
                .as("rpm/ differs from what the generator produces from %s: regenerate with ./krunpack spec"
                        + " (or ./scripts/regen-golden), then review git diff rpm/", cfg.modelName())
                .isEmpty();
    }
}
