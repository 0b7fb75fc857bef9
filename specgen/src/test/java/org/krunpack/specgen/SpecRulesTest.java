package org.krunpack.specgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The line rules the generator's lint and the reviewer share. */
class SpecRulesTest {
    private static List<String> rules(String spec) {
        return SpecRules.check(spec).stream().map(v -> v.line() + ":" + v.rule()).toList();
    }

    @Test
    void lengthIsCodePointsWithoutCr() {
        String eighty = "# " + "é".repeat(78);
        assertThat(SpecRules.length(eighty)).isEqualTo(80);
        assertThat(SpecRules.tooLong(eighty + "\r", "preamble")).isFalse();
        assertThat(SpecRules.tooLong(eighty + "x", "preamble")).isTrue();
    }

    @Test
    void changelogUrlsAndUnwrappableTagsAreExempt() {
        String longWords = "word ".repeat(20).strip();
        String spec = String.join("\n",
                "BuildRequires:  (crate(virtio-bindings/default) >= 0.2.0 with crate(virtio-bindings/default) < 0.3.0~)",
                "License:        " + longWords,
                "Requires(post): " + longWords,
                "Source12:       " + longWords,
                "# see https://example.org/" + "a".repeat(90),
                "%build",
                "make " + longWords,
                "%changelog",
                "- " + longWords);
        assertThat(rules(spec)).containsExactly("7:line-length");
    }

    @Test
    void defineAndLdconfigButNotInComments() {
        String spec = String.join("\n", "%global a 1", "%define b 2", "# %define c 3", "%post -p /sbin/ldconfig",
                "# no /sbin/ldconfig here", "%ldconfig_scriptlets");
        assertThat(rules(spec)).containsExactly("2:define", "4:ldconfig", "6:ldconfig");
    }

    @Test
    void theGeneratorLintIsThisRuleSet() {
        String spec = "%define x 1\n" + "y".repeat(81) + "\n";
        assertThat(SpecGenerator.lint(spec)).containsExactly("line 1: %define (use %global)",
                "line 2: 81 characters (at most 80)");
    }
}
