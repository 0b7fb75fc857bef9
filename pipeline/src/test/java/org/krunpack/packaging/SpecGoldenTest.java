package org.krunpack.packaging;

import org.krunpack.core.UnifiedDiff;
import org.junit.jupiter.api.Test;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SourcesFile;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.testing.Golden;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files for every spec in every profile (from the 5.4.0 model fixture), the sources files,
 * and the bump of libkrunfw 5.4.0 (kernel 6.12.87) to 5.5.0 (kernel 6.12.91) as a unified diff.
 * Regenerate with ./scripts/regen-golden, then review the diff.
 */
class SpecGoldenTest {
    @Test
    void everySpecInEveryProfileMatchesItsGoldenFile() {
        PackagingModel m = Fixtures.model540();
        for (Profile p : Profile.values()) {
            Map<String, String> specs = new SpecGenerator(null).renderAll(m, p, "rpm/packaging.yaml");
            for (var e : specs.entrySet()) {
                Golden.assertMatches("specs/" + p.id() + "/" + e.getKey(), e.getValue());
            }
        }
        for (var pkg : m.packages()) {
            Golden.assertMatches("specs/" + pkg.name() + ".sources", SourcesFile.render(pkg));
        }
    }

    /**
     * krunpack.yaml's own patch and kernel fragments as Sources of libkrunfw in every profile (the
     * strict one is also rpm/libkrunfw.spec, kept in step by CheckedInSpecsTest).
     */
    @Test
    void theProjectsOwnPatchesAndFragmentsInEveryProfileMatchTheirGoldenFiles() {
        PackagingModel m = Fixtures.checkedIn();
        for (Profile p : Profile.values()) {
            Golden.assertMatches("specs/project/" + p.id() + "/libkrunfw.spec",
                    new SpecGenerator(null).render(m.get("libkrunfw"), p, "rpm/packaging.yaml"));
        }
    }

    @Test
    void changelogTextWithMacrosAndPercentIsEscaped() {
        String spec = new SpecGenerator(null).render(Fixtures.model540().get("libkrun"), Profile.STRICT, "m");
        assertThat(spec).contains("- Install straight into %%{buildroot}: 100%% of the files now come from make")
                .doesNotContain("into %{buildroot}");
    }

    @Test
    void bumpOfLibkrunfwChangesExactlyTheExpectedSpecLines() {
        PackagingModel before = Fixtures.model540();
        PackagingModel after = Bump.apply(before, Fixtures.bump("libkrunfw", "5.5.0", "6.12.91", null));
        SpecGenerator gen = new SpecGenerator(null);
        String a = gen.render(before.get("libkrunfw"), Profile.STRICT, "rpm/packaging.yaml");
        String b = gen.render(after.get("libkrunfw"), Profile.STRICT, "rpm/packaging.yaml");
        String diff = UnifiedDiff.diff("a/libkrunfw.spec", a, "b/libkrunfw.spec", b, 3);
        Golden.assertMatches("specs/bump-libkrunfw-5.5.0.spec.diff", diff);

        List<String> changed = diff.lines().filter(l -> (l.startsWith("+") || l.startsWith("-"))
                && !l.startsWith("+++") && !l.startsWith("---")).toList();
        assertThat(changed).containsExactly(
                "-%global kernel linux-6.12.87",
                "+%global kernel linux-6.12.91",
                "-Version:        5.4.0",
                "-Release:        2%{?dist}",
                "+Version:        5.5.0",
                "+Release:        1%{?dist}",
                "+* Wed Nov 25 2026 Jane Packager <jane@example.org> - 5.5.0-1",
                "+- Update to 5.5.0 which bundles a 6.12.91 kernel",
                "+");
        // the other packages are untouched
        assertThat(after.get("libkrun")).isEqualTo(before.get("libkrun"));
        assertThat(after.get("crun")).isEqualTo(before.get("crun"));
    }

    @Test
    void bumpOfTheModelFileChangesExactlyTheExpectedYamlLines() {
        PackagingModel before = Fixtures.model540();
        PackagingModel after = Bump.apply(before, Fixtures.bump("libkrunfw", "5.5.0", "6.12.91", null));
        String diff = UnifiedDiff.diff("a/packaging.yaml", org.krunpack.specgen.ModelWriter.write(before),
                "b/packaging.yaml", org.krunpack.specgen.ModelWriter.write(after), 2);
        Golden.assertMatches("specs/bump-libkrunfw-5.5.0.model.diff", diff);
    }
}
