package org.krunpack.review;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LicensesTest {
    private final Licenses l = Licenses.fedora();

    @Test
    void acceptsTheStacksLicences() {
        assertThat(l.check("LGPL-2.1-only AND GPL-2.0-only").problems()).isEmpty();
        assertThat(l.check("Apache-2.0 AND (Apache-2.0 OR MIT) AND BSD-3-Clause AND Unicode-DFS-2016").problems()).isEmpty();
        assertThat(l.check("GPL-2.0-only WITH Linux-syscall-note").identifiers())
                .containsExactly("GPL-2.0-only", "Linux-syscall-note");
        assertThat(l.check("(MIT OR Apache-2.0) AND Apache-2.0 WITH LLVM-exception").ok()).isTrue();
    }

    @Test
    void rejectsWhatIsNotAnAllowedSpdxExpression() {
        assertThat(l.check("GPLv2").problems()).singleElement().asString().contains("'GPLv2' is not on Fedora's allowed");
        assertThat(l.check("MIT and BSD-3-Clause").problems()).singleElement().asString()
                .contains("not an SPDX operator");
        assertThat(l.check("MIT AND").problems()).singleElement().asString().contains("ends too early");
        assertThat(l.check("(MIT OR ISC").problems()).singleElement().asString().contains("missing ')'");
        assertThat(l.check("MIT) ").problems()).singleElement().asString().contains("unexpected ')'");
        assertThat(l.check("").problems()).containsExactly("License is empty");
        assertThat(l.check("GPL-2.0-only WITH Bogus-exception").problems()).singleElement().asString()
                .contains("licence-exception list");
        assertThat(l.check("MIT; GPL").ok()).isFalse();
    }

    @Test
    void theShippedListNamesItsSourceAndDate() throws Exception {
        try (var in = Licenses.class.getResourceAsStream("fedora-allowed-licenses.txt")) {
            String text = new String(in.readAllBytes());
            assertThat(text).contains("Source:", "fedora-license-data", "Date:");
        }
        assertThat(l.allowed()).contains("GPL-2.0-only", "LGPL-2.1-only", "Apache-2.0", "MIT", "Unicode-DFS-2016");
    }
}
