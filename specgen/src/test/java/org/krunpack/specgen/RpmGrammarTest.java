package org.krunpack.specgen;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RpmGrammarTest {
    @Test
    void nameWithSpaceIsRefusedNamingTheCharacter() {
        assertThat(RpmGrammar.checkName("lib krunfw")).hasValueSatisfying(m ->
                assertThat(m).contains("' ' (space)").contains("position 4"));
    }

    @Test
    void versionWithDashIsRefusedNamingTheCharacter() {
        assertThat(RpmGrammar.checkVersion("5.5.0-rc1")).hasValueSatisfying(m ->
                assertThat(m).contains("'-'").contains("position 6").contains("'~'"));
    }

    @Test
    void validValuesPass() {
        assertThat(RpmGrammar.checkName("libkrunfw-sev-devel")).isEmpty();
        assertThat(RpmGrammar.checkVersion("5.5.0~rc1^20260101git1")).isEmpty();
        assertThat(RpmGrammar.checkEvr("1:5.5.0-1.fc43")).isEmpty();
        assertThat(RpmGrammar.checkEvr("5.5.0")).isEmpty();
    }

    @Test
    void evrPartsAreChecked() {
        assertThat(RpmGrammar.checkEvr("x:5.5.0-1")).hasValueSatisfying(m -> assertThat(m).contains("epoch"));
        assertThat(RpmGrammar.checkEvr("5.5 .0-1")).hasValueSatisfying(m -> assertThat(m).contains("version part")
                .contains("' ' (space)"));
        assertThat(RpmGrammar.checkEvr("5.5.0-1/2")).hasValueSatisfying(m -> assertThat(m).contains("release part")
                .contains("'/'"));
    }

    @Property
    void aVersionWithAForbiddenCharacterIsRefusedNamingIt(@ForAll("versions") String prefix,
                                                          @ForAll("forbidden") char bad) {
        String v = prefix + bad + "1";
        assertThat(RpmGrammar.checkVersion(v)).hasValueSatisfying(m ->
                assertThat(m).contains("position " + (prefix.length() + 1)).contains(RpmGrammar.describe(bad)));
    }

    @Property
    void versionsFromTheAllowedAlphabetPass(@ForAll("versions") String v) {
        assertThat(RpmGrammar.checkVersion(v)).isEmpty();
    }

    @Provide
    Arbitrary<String> versions() {
        Arbitrary<String> head = Arbitraries.strings().withCharRange('0', '9').ofLength(1);
        Arbitrary<String> tail = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars('.', '_', '+', '~', '^').ofMaxLength(12);
        return Combinators.combine(head, tail).as((a, b) -> a + b);
    }

    @Provide
    Arbitrary<Character> forbidden() {
        return Arbitraries.of(' ', '-', '/', '%', '{', '\n', '\t', ':', '<', '>', '=', '\u00e9');
    }
}
