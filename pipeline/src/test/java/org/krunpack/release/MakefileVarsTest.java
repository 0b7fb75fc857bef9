package org.krunpack.release;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.krunpack.core.KrunpackException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MakefileVarsTest {
    @Test
    void readsTheFlavoursOfAssignmentAndReferences() {
        MakefileVars v = MakefileVars.parse("Makefile", String.join("\n",
                "# versions",
                "KERNEL_VERSION = linux-6.12.91",
                "ABI_VERSION := 5",
                "FULL_VERSION = $(ABI_VERSION).5.0",
                "export SIMPLE ::= ${ABI_VERSION}x",
                "DEFAULTED ?= first",
                "DEFAULTED ?= second",
                "override LIST = a",
                "LIST += b \\",
                "   c",
                "LATE = $(LATER)",
                "LATER = resolved-late",
                "COMMENTED = value # trailing comment",
                "",
                "all: $(KERNEL_VERSION)",
                "\tVERSION = not-an-assignment-in-a-recipe",
                "define MULTI",
                "INSIDE = no",
                "endef",
                ""));

        assertThat(v.require("KERNEL_VERSION")).isEqualTo("linux-6.12.91");
        assertThat(v.require("ABI_VERSION")).isEqualTo("5");
        assertThat(v.require("FULL_VERSION")).isEqualTo("5.5.0");
        assertThat(v.require("SIMPLE")).isEqualTo("5x");
        assertThat(v.require("DEFAULTED")).isEqualTo("first");
        assertThat(v.require("LIST")).isEqualTo("a b c");
        assertThat(v.require("LATE")).isEqualTo("resolved-late");
        assertThat(v.require("COMMENTED")).isEqualTo("value");
        assertThat(v.has("VERSION")).isFalse();
        assertThat(v.has("INSIDE")).isFalse();
    }

    @Test
    void simpleExpansionTakesTheValueAtThatPoint() {
        MakefileVars v = MakefileVars.parse("Makefile", "A = 1\nB := $(A)\nA = 2\nC = $(A)\n");

        assertThat(v.require("B")).isEqualTo("1");
        assertThat(v.require("C")).isEqualTo("2");
    }

    @Test
    void aFunctionCallIsUnreadableOnlyWhenAskedFor() {
        MakefileVars v = MakefileVars.parse("tree/Makefile",
                "HOST := $(shell uname -m)\nVERSION = 6\nX = $(HOST)\n");

        assertThat(v.require("VERSION")).isEqualTo("6");
        assertThatThrownBy(() -> v.require("X"))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("tree/Makefile")
                .hasMessageContaining("$(shell uname -m)");
    }

    @Test
    void aSelfReferenceIsReported() {
        MakefileVars v = MakefileVars.parse("M", "A = $(B)\nB = $(A)\n");

        assertThatThrownBy(() -> v.require("A")).hasMessageContaining("refers to itself").hasMessageContaining("M");
    }

    @Test
    void aMissingVariableNamesTheFile() {
        assertThatThrownBy(() -> MakefileVars.parse("rel/Makefile", "X = 1\n").require("ABI_VERSION"))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("rel/Makefile")
                .hasMessageContaining("ABI_VERSION is not set");
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('A', 'Z').withChars('_').ofMinLength(1).ofMaxLength(12)
                .filter(s -> !s.equals("define") && !s.equals("endef"));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('.', '-', '_', ' ', '/').ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> ops() {
        return Arbitraries.of("=", ":=", "::=", "?=");
    }

    @Provide
    Arbitrary<String> spaces() {
        return Arbitraries.of("", " ", "  ", "\t");
    }

    @Property(tries = 300)
    void anAssignmentReadsBackAsItsStrippedValue(@ForAll("names") String name, @ForAll("values") String value,
                                                 @ForAll("ops") String op, @ForAll("spaces") String before,
                                                 @ForAll("spaces") String after, @ForAll boolean exported) {
        String line = (exported ? "export " : "") + name + before + op + after + value + "\n";

        MakefileVars v = MakefileVars.parse("M", "# header\n" + line + "other: " + name + "\n");

        assertThat(v.get(name)).contains(value.strip());
    }

    @Property(tries = 300)
    void aReferenceExpandsToTheReferencedValue(@ForAll("names") String a, @ForAll("names") String b,
                                               @ForAll("values") String value, @ForAll("ops") String op,
                                               @ForAll boolean braces) {
        if (a.equals(b)) {
            return;
        }
        String ref = braces ? "${" + a + "}" : "$(" + a + ")";

        MakefileVars v = MakefileVars.parse("M", a + " " + op + " " + value + "\n" + b + " = " + ref + ".5.0\n");

        assertThat(v.require(b)).isEqualTo((value.strip() + ".5.0").strip());
    }

    @Property(tries = 200)
    void continuationLinesJoinWithASpace(@ForAll("names") String name, @ForAll("values") String first,
                                         @ForAll("values") String second) {
        if (first.isBlank() || second.isBlank() || first.endsWith(" ")) {
            return;
        }
        MakefileVars v = MakefileVars.parse("M", name + " = " + first + "\\\n    " + second + "\n");

        assertThat(v.require(name)).isEqualTo((first.strip() + " " + second.strip()).strip());
    }
}
