package org.krunpack.kconfig;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FragmentTest {
    @Test
    void parses_values_not_set_comments_and_exemptions() {
        Fragment f = Fragment.parse("f.config", """
                # a comment
                # why: reason
                CONFIG_A=y

                CONFIG_B=m
                # CONFIG_C is not set
                CONFIG_D=n
                CONFIG_E=0x1000000
                CONFIG_F=-16
                CONFIG_G="a \\"quoted\\" string"
                # krunpack-exempt: renamed in 6.13
                CONFIG_H=y
                CONFIG_I=""
                """);
        assertThat(f.entries()).extracting(ConfigEntry::symbol)
                .containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I");
        assertThat(f.entries()).extracting(ConfigEntry::value)
                .containsExactly("y", "m", "n", "n", "0x1000000", "-16", "\"a \\\"quoted\\\" string\"", "y", "\"\"");
        assertThat(f.entries().get(0).where()).isEqualTo("f.config:3");
        assertThat(f.entries().get(7).exemptReason()).isEqualTo("renamed in 6.13");
        assertThat(f.entries().get(6).exemptReason()).isNull();
        assertThat(f.entries().get(2).configLine()).isEqualTo("# CONFIG_C is not set");
    }

    @Test
    void every_bad_line_is_reported_with_file_and_line() {
        KrunpackException e = catchThrowableOfType(() -> Fragment.parse("bad.config", """
                CONFIG_A=y
                CONFIG_B=yes
                VIRTIO=y
                CONFIG_C
                # krunpack-exempt:
                CONFIG_D="unterminated
                # krunpack-exempt: dangling
                """), KrunpackException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems()).hasSize(6);
        assertThat(e.problems().get(0)).startsWith("bad.config:2: CONFIG_B: bad value 'yes'");
        assertThat(e.problems().get(1)).startsWith("bad.config:3: not a config line: 'VIRTIO=y'");
        assertThat(e.problems().get(2)).startsWith("bad.config:4: not a config line");
        assertThat(e.problems().get(3)).startsWith("bad.config:5: '# krunpack-exempt:' needs a reason");
        assertThat(e.problems().get(4)).startsWith("bad.config:6: CONFIG_D: bad value");
        assertThat(e.problems().get(5)).startsWith("bad.config:7: '# krunpack-exempt:' is not followed by an option");
    }

    @Test
    void two_exemptions_in_a_row_are_an_error() {
        assertThatThrownBy(() -> Fragment.parse("x.config", "# krunpack-exempt: a\n# krunpack-exempt: b\nCONFIG_A=y\n"))
                .hasMessageContaining("x.config:2: a second '# krunpack-exempt:' line");
    }

    @Test
    void crlf_line_endings_are_accepted() {
        assertThat(Fragment.parse("w.config", "CONFIG_A=y\r\n# CONFIG_B is not set\r\n").entries())
                .extracting(ConfigEntry::configLine).containsExactly("CONFIG_A=y", "# CONFIG_B is not set");
    }

    @Property
    void rendered_entries_parse_back_to_the_same_entries(@ForAll("entries") List<ConfigEntry> entries) {
        StringBuilder sb = new StringBuilder("# generated\n");
        List<ConfigEntry> expected = new ArrayList<>();
        int line = 2;
        for (ConfigEntry e : entries) {
            sb.append("# why: because\n");
            line++;
            if (e.exemptReason() != null) {
                sb.append("# krunpack-exempt: ").append(e.exemptReason()).append('\n');
                line++;
            }
            sb.append(e.configLine()).append('\n');
            expected.add(new ConfigEntry(e.symbol(), e.value(), "p.config", line, e.exemptReason()));
            line++;
        }
        assertThat(Fragment.parse("p.config", sb.toString()).entries()).isEqualTo(expected);
    }

    @Property
    void merging_keeps_the_last_value_and_reports_each_redefinition(@ForAll("entries") List<ConfigEntry> a,
                                                                    @ForAll("entries") List<ConfigEntry> b) {
        Merge m = Merge.of(List.of(new Fragment("a", a), new Fragment("b", b)));
        List<ConfigEntry> all = new ArrayList<>(a);
        all.addAll(b);
        long distinct = all.stream().map(ConfigEntry::symbol).distinct().count();
        assertThat(m.entries()).hasSize((int) distinct);
        assertThat(m.redefinitions()).hasSize(all.size() - (int) distinct);
        for (ConfigEntry e : m.entries()) {
            ConfigEntry last = all.stream().filter(x -> x.symbol().equals(e.symbol())).reduce((x, y) -> y).orElseThrow();
            assertThat(e).isEqualTo(last);
        }
        // the merged text is itself a valid fragment with the same final values
        assertThat(Fragment.parse("merged", m.text()).entries())
                .extracting(ConfigEntry::configLine)
                .containsExactlyElementsOf(m.entries().stream().map(ConfigEntry::configLine).toList());
    }

    @Provide
    Arbitrary<List<ConfigEntry>> entries() {
        Arbitrary<String> symbol = Arbitraries.of("A", "B", "SMP", "PCI", "NR_CPUS", "X_1", "VIRTIO_MMIO");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("y", "m", "n"),
                Arbitraries.integers().between(-1000, 100000).map(String::valueOf),
                Arbitraries.longs().between(0, 0xffffffffL).map(l -> "0x" + Long.toHexString(l)),
                Arbitraries.strings().withChars("abc XYZ-_/.\"\\").ofMaxLength(12)
                        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        Arbitrary<String> reason = Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20));
        return Combinators.combine(symbol, value, reason)
                .as((s, v, r) -> new ConfigEntry(s, v, "x", 0, r)).list().ofMaxSize(12);
    }

    @Test
    void projectExemptionsMarkTheirOptionsAndNameOneTheConfigDoesNotSet() {
        Fragment f = Fragment.parse("release.config", """
                CONFIG_A=y
                # krunpack-exempt: its own reason
                CONFIG_B=y
                # CONFIG_C is not set
                """);
        Fragment x = f.withExemptions(java.util.Map.of("A", "from the project", "B", "ignored: B has its own"),
                "config.exempt");
        assertThat(x.entries()).extracting(ConfigEntry::symbol, ConfigEntry::exemptReason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("A", "from the project"),
                org.assertj.core.groups.Tuple.tuple("B", "its own reason"),
                org.assertj.core.groups.Tuple.tuple("C", null));
        KrunpackException e = catchThrowableOfType(KrunpackException.class,
                () -> f.withExemptions(java.util.Map.of("ZZ", "gone"), "config.exempt"));
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.getMessage()).startsWith("config.exempt: CONFIG_ZZ not set by release.config");
    }
}
