package org.krunpack.specgen;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelTest {
    static final Path MODEL = Path.of("../rpm/packaging.yaml");

    static String minimal(String name, String version, String summary) {
        return "packages:\n  " + name + ":\n    version: " + version + "\n    release: \"1\"\n"
                + "    summary: " + summary + "\n    license: \"MIT\"\n    url: \"https://example.org/x\"\n"
                + "    sources:\n      - url: \"%{url}/x-%{version}.tar.gz\"\n";
    }

    @Test
    void checkedInModelReadsAndWritesBackIdentically() throws Exception {
        PackagingModel m = ModelReader.read(MODEL, TestModels.FACTS);
        assertThat(m.names()).containsExactly("libkrunfw", "libkrun", "crun");
        String written = ModelWriter.write(m, TestModels.FACTS);
        assertThat(written).isEqualTo(java.nio.file.Files.readString(MODEL));
        assertThat(ModelReader.parse(written, "again", TestModels.FACTS, MODEL.toAbsolutePath().getParent())).isEqualTo(m);
        assertThat(m.get("libkrunfw").version()).isEqualTo("5.5.0");
        assertThat(m.get("libkrunfw").kernel()).isEqualTo("6.12.117");
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        String yaml = "packages:\n  \"lib krun\":\n    version: \"1.0-2\"\n    release: \"x\"\n"
                + "    summary: \"two\\nlines.\"\n    license: \"MIT/BSD\"\n    url: \"http://x\"\n    bogus: 1\n"
                + "    sources:\n      - url: \"https://x/a.tar.gz\"\n        sha512: \"abc\"\n";
        assertThatThrownBy(() -> ModelReader.parse(yaml, "m.yaml"))
                .isInstanceOf(ModelException.class)
                .satisfies(e -> assertThat(((ModelException) e).problems()).anySatisfy(p ->
                                assertThat(p).startsWith("packages.lib krun:").contains("' ' (space)"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.version:").contains("'-'"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.release:"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.summary:")
                                .contains("'\\n' (newline)"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.summary:").contains("trailing dot"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.license:").contains("'/'"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.url:").contains("https://"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.bogus:").contains("unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.sources[0].url:")
                                .contains("%{version}"))
                        .anySatisfy(p -> assertThat(p).startsWith("packages.lib krun.sources[0].sha512:"))
                        .hasSize(10))
                .hasMessageStartingWith("m.yaml: 10 problems");
    }

    @Test
    void textIsEscapedForSpecSyntax() {
        assertThat(SpecText.escape("Install into %{buildroot}: 100% done")).isEqualTo("Install into %%{buildroot}: 100%% done");
        assertThatThrownBy(() -> SpecText.escape("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void crateLicencesAreCombinedWithoutDuplicates() {
        var crates = java.util.List.of(new PackageModel.Crate("a", "1", "MIT OR Apache-2.0"),
                new PackageModel.Crate("b", "1", "Apache-2.0 OR MIT"), new PackageModel.Crate("c", "1", "BSD-3-Clause"),
                new PackageModel.Crate("d", "1", "Apache-2.0"));
        assertThat(SpecText.combinedLicense("Apache-2.0", crates))
                .isEqualTo("Apache-2.0 AND BSD-3-Clause AND (Apache-2.0 OR MIT)");
    }

    @Property
    void yamlQuotingRoundTrips(@ForAll String s) {
        String yaml = minimal("x", "\"1\"", ModelWriter.q("S" + s.replace("\n", " ").replace("\r", " ")
                .replaceAll("\\p{Cntrl}", " ").replaceAll("\\.$", "")));
        try {
            PackageModel p = ModelReader.parse(yaml, "p").get("x");
            assertThat(ModelReader.parse(ModelWriter.write(new PackagingModel(java.util.List.of(p))), "q").get("x"))
                    .isEqualTo(p);
        } catch (ModelException e) {
            // a summary the validator refuses is fine; the quoting itself must never break the YAML
            assertThat(e.getMessage()).doesNotContain("not valid YAML");
        }
    }
}
