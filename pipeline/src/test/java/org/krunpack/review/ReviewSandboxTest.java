package org.krunpack.review;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;
import org.krunpack.testing.SharedFixtures;
import org.krunpack.testing.TarBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What review runs of an input runs in the sandbox (rpmspec, rpmlint, make -n): a shell escape in a
 * spec writes nothing outside it; without a sandbox those checks are not evaluated; Fedora-only
 * macros are not a failure; the %files list is compared with what upstream's install would put in
 * the buildroot (our own tarball and the real libkrun 1.18.1); rpmlint runs once per package.
 * Real rpmspec, rpmlint, make and bubblewrap.
 */
@Tag("tools")
class ReviewSandboxTest {
    @TempDir
    Path dir;

    private static final String SPEC = """
            Name:           libfoo
            Version:        1.2.0
            Release:        1%{?dist}
            Summary:        A library for the tests
            License:        Apache-2.0
            URL:            https://example.org/libfoo
            Source0:        %{url}/archive/v%{version}/libfoo-%{version}.tar.gz
            BuildRequires:  gcc
            BuildRequires:  make
            EXTRA

            %description
            A library.

            %package        devel
            Summary:        Development files for libfoo
            Requires:       %{name}%{?_isa} = %{version}-%{release}

            %description    devel
            Headers.

            %prep
            %autosetup

            %build
            %make_build

            %install
            %make_install PREFIX=%{_prefix}

            %check
            make test

            %files
            %license LICENSE
            %{_libdir}/libfoo.so.1{,.*}

            %files devel
            DEVEL
            %{_libdir}/libfoo.so
            %{_libdir}/pkgconfig/libfoo.pc

            %changelog
            * Mon Jan 05 2026 Tester <t@example.org> - 1.2.0-1
            - First
            """;

    private Path spec(String extra, String devel) throws IOException {
        return Files.writeString(dir.resolve("libfoo.spec"), SPEC.replace("EXTRA", extra).replace("DEVEL", devel));
    }

    private static Finding finding(ReviewReport r, Rule rule) {
        List<Finding> m = r.findings().stream().filter(f -> f.check() == rule).toList();
        assertThat(m).as("one finding for %s in\n%s", rule.id(), r.render()).hasSize(1);
        return m.get(0);
    }

    private static ReviewReport review(Path... files) {
        return Review.run(List.of(files), Review.Options.defaults(null));
    }

    @Test
    void aShellEscapeInASpecWritesNothingOutsideTheSandbox() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path tmpCanary = Path.of("/tmp/krunpack-canary-" + tag);
        Path outside = dir.resolve("outside-canary");
        Path spec = spec("BuildRequires:  %(touch canary; touch " + tmpCanary + "; touch " + outside
                + "; echo pkgconf)", "%{_includedir}/libfoo.h");
        ReviewReport r = review(spec);
        assertThat(outside).doesNotExist();
        assertThat(tmpCanary).doesNotExist();
        assertThat(dir.resolve("canary")).doesNotExist();
        assertThat(Path.of("canary").toAbsolutePath()).doesNotExist();
        Finding parses = finding(r, Rule.SPEC_PARSES);
        assertThat(parses.verdict()).isEqualTo(Verdict.PASS);
        // What was seen: the shell ran in the sandbox, where the host is read-only.
        assertThat(parses.text()).contains("in the sandbox");
        assertThat(parses.evidence()).anySatisfy(e -> assertThat(e).contains("Read-only file system"));
        assertThat(finding(r, Rule.RPMLINT).verdict()).isNotEqualTo(Verdict.NOT_EVALUATED);

        System.setProperty(Sandbox.SWITCH_PROPERTY, "off");
        try {
            Sandbox.resetProbe();
            ReviewReport none = review(spec);
            assertThat(finding(none, Rule.SPEC_PARSES).verdict()).isEqualTo(Verdict.NOT_EVALUATED);
            assertThat(finding(none, Rule.SPEC_PARSES).text()).contains("no sandbox", "--trust-inputs");
            assertThat(finding(none, Rule.RPMLINT).verdict()).isEqualTo(Verdict.NOT_EVALUATED);
            assertThat(finding(none, Rule.FILES_MATCH_INSTALL).verdict()).isEqualTo(Verdict.NOT_EVALUATED);
            assertThat(none.ok()).isTrue();
            assertThat(outside).doesNotExist();
            assertThat(tmpCanary).doesNotExist();
        } finally {
            System.clearProperty(Sandbox.SWITCH_PROPERTY);
            Sandbox.resetProbe();
        }
    }

    @Test
    void fedoraOnlyMacrosTheHostLacksAreNotEvaluatedNotAFailure() throws IOException {
        Path spec = Files.writeString(dir.resolve("libfoo.spec"), """
                %global forgeurl https://github.com/example/libfoo
                Version:        1.2.0
                %forgemeta
                Name:           libfoo
                Release:        1%{?dist}
                Summary:        A library for the tests
                License:        Apache-2.0
                URL:            %{forgeurl}
                Source0:        %{forgesource}

                %description
                A library.

                %prep
                %forgeautosetup

                %files
                %license LICENSE

                %changelog
                * Mon Jan 05 2026 Tester <t@example.org> - 1.2.0-1
                - First
                """);
        ReviewReport r = review(spec);
        Finding f = finding(r, Rule.SPEC_PARSES);
        assertThat(f.verdict()).isEqualTo(Verdict.NOT_EVALUATED);
        assertThat(f.text()).contains("%forgemeta", "%forgeautosetup", "this host's rpm does not define");
        // A real syntax error is still a failure.
        Files.writeString(spec, SPEC.replace("EXTRA", "%if 1").replace("DEVEL", ""));
        assertThat(finding(review(spec), Rule.SPEC_PARSES).verdict()).isEqualTo(Verdict.FAIL);
    }

    /** An upstream release of our own: its Makefile installs three headers, the library, links and a .pc. */
    private Path upstream() {
        return new TarBuilder().dir("libfoo-1.2.0/")
                .file("libfoo-1.2.0/LICENSE", "Apache-2.0 (test stand-in)\n")
                .file("libfoo-1.2.0/Makefile", """
                        PREFIX ?= /usr/local
                        LIBDIR = lib64
                        HEADERS = include/libfoo.h include/libfoo_extra.h include/libfoo_more.h
                        FULL = libfoo.so.1.2.0

                        all: $(FULL)

                        $(FULL): foo.c
                        \t$(CC) -shared -fPIC -Wl,-soname,libfoo.so.1 -o $@ foo.c

                        libfoo.pc:
                        \techo 'Name: libfoo' > $@

                        test: all
                        \t./run-tests

                        install: libfoo.pc
                        \tinstall -d $(DESTDIR)$(PREFIX)/$(LIBDIR)/pkgconfig
                        \tinstall -d $(DESTDIR)$(PREFIX)/include
                        \tinstall -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include
                        \tinstall -m 644 libfoo.pc $(DESTDIR)$(PREFIX)/$(LIBDIR)/pkgconfig
                        \tinstall -m 755 $(FULL) $(DESTDIR)$(PREFIX)/$(LIBDIR)/
                        \tcd $(DESTDIR)$(PREFIX)/$(LIBDIR)/ ; ln -sf $(FULL) libfoo.so.1 ; ln -sf libfoo.so.1 libfoo.so
                        """.replace("\\t", "\t"))
                .file("libfoo-1.2.0/foo.c", "int foo(void) { return 1; }\n")
                .write(dir.resolve("libfoo-1.2.0.tar.gz"), TarBuilder.Compression.GZIP);
    }

    @Test
    void filesAreComparedWithWhatUpstreamsInstallPutsInTheBuildroot() throws IOException {
        upstream();
        Finding missing = finding(review(spec("", "%{_includedir}/libfoo.h")), Rule.FILES_MATCH_INSTALL);
        assertThat(missing.verdict()).as("%s", missing.evidence()).isEqualTo(Verdict.FAIL);
        assertThat(missing.text()).contains("2 of the 7 files upstream installs");
        assertThat(missing.evidence()).hasSize(2).allSatisfy(e -> assertThat(e).contains("Installed (but unpackaged)"));
        assertThat(missing.evidence().get(0)).startsWith("/usr/include/libfoo_extra.h -> installed by libfoo-1.2.0.tar.gz");
        assertThat(missing.evidence().get(1)).startsWith("/usr/include/libfoo_more.h");

        Finding all = finding(review(spec("", "%{_includedir}/libfoo*.h")), Rule.FILES_MATCH_INSTALL);
        assertThat(all.verdict()).as("%s", all.evidence()).isEqualTo(Verdict.PASS);
        assertThat(all.evidence()).contains("/usr/lib64/libfoo.so.1.2.0", "/usr/lib64/libfoo.so.1", "/usr/lib64/libfoo.so",
                "/usr/lib64/pkgconfig/libfoo.pc");
        // Upstream's Makefile has a test target and the spec runs it.
        assertThat(finding(review(spec("", "%{_includedir}/libfoo*.h")), Rule.CHECK_SECTION).verdict())
                .isEqualTo(Verdict.PASS);
    }

    @Test
    void theRealLibkrunReleaseInstallsThreeHeaders() throws IOException {
        Files.copy(SharedFixtures.path("libkrun/libkrun-1.18.1.tar.gz"), dir.resolve("libkrun-1.18.1.tar.gz"));
        String spec = """
                Name:           libkrun
                Version:        1.18.1
                Release:        1%{?dist}
                Summary:        A spec of our own for the real libkrun release
                License:        Apache-2.0
                URL:            https://github.com/containers/libkrun
                Source0:        %{url}/archive/v%{version}/libkrun-%{version}.tar.gz
                Requires:       libkrunfw%{?_isa}

                %description
                Test fixture.

                %package        devel
                Summary:        Headers
                Requires:       %{name}%{?_isa} = %{version}-%{release}

                %description    devel
                Headers.

                %prep
                %autosetup

                %build
                %make_build

                %install
                %make_install PREFIX=%{_prefix}

                %files
                %license LICENSE
                %{_libdir}/libkrun.so.1{,.*}

                %files devel
                %{_includedir}/libkrun.h
                %{_libdir}/libkrun.so
                %{_libdir}/pkgconfig/libkrun.pc

                %changelog
                * Mon Jan 05 2026 Tester <t@example.org> - 1.18.1-1
                - First
                """;
        Finding f = finding(review(Files.writeString(dir.resolve("libkrun.spec"), spec)), Rule.FILES_MATCH_INSTALL);
        assertThat(f.verdict()).as("%s", f.evidence()).isEqualTo(Verdict.FAIL);
        assertThat(f.evidence()).hasSize(2);
        assertThat(String.join("\n", f.evidence())).contains("/usr/include/libkrun_display.h",
                "/usr/include/libkrun_input.h");
    }

    @Test
    void severalSrpmsInOneReviewEachHaveTheirOwnRpmlintRun() throws IOException {
        Path top = dir.resolve("top");
        upstream();
        Files.writeString(dir.resolve("LICENSE"), "x\n");
        List<Path> srpms = new java.util.ArrayList<>();
        for (String name : List.of("libfoo", "libbar")) {
            Path s = Files.writeString(dir.resolve(name + ".spec"), SPEC.replace("EXTRA", "").replace("DEVEL",
                    "%{_includedir}/libfoo*.h").replace("Name:           libfoo", "Name:           " + name)
                    .replace("libfoo-%{version}.tar.gz", "libfoo-1.2.0.tar.gz"));
            Tools.Result r = Tools.run(List.of("rpmbuild", "-bs", "--define", "_topdir " + top, "--define",
                    "_sourcedir " + dir, s.toString()), dir, Map.of());
            assertThat(r.ok()).as(r.stderr()).isTrue();
        }
        try (Stream<Path> s = Files.walk(top.resolve("SRPMS"))) {
            s.filter(p -> p.toString().endsWith(".src.rpm")).sorted().forEach(srpms::add);
        }
        assertThat(srpms).hasSize(2);
        ReviewReport r = Review.run(srpms, Review.Options.defaults(null));
        List<Finding> lint = r.findings().stream().filter(f -> f.check() == Rule.RPMLINT
                || f.check() == Rule.RPMLINT_WARNINGS).filter(f -> !f.subject().contains(".spec")).toList();
        assertThat(lint).hasSize(4);
        for (Finding f : lint) {
            String other = Path.of(f.subject()).getFileName().toString().startsWith("libbar") ? "libfoo" : "libbar";
            assertThat(f.evidence()).noneSatisfy(e -> assertThat(e).contains("multiple-specfiles"));
            assertThat(f.evidence()).as("messages of the other package").noneSatisfy(e -> assertThat(e).startsWith(other));
        }
        assertThat(r.findings()).filteredOn(f -> f.check() == Rule.RPMLINT).extracting(Finding::verdict)
                .doesNotContain(Verdict.FAIL);
        assertThat(r.reviewed()).contains(srpms.get(0).toString(), srpms.get(1).toString());
    }
}
