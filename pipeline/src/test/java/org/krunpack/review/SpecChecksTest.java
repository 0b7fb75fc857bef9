package org.krunpack.review;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec-only checks on text (no rpmbuild): the libkrun and crun specs' concerns. */
class SpecChecksTest {
    private static List<Finding> check(String name, String text) {
        SpecFile spec = SpecFile.parse(Path.of("/nonexistent/" + name), text);
        return new SpecChecks(spec, name, Licenses.fedora(), Optional.empty()).run();
    }

    private static Verdict verdict(List<Finding> fs, Rule c) {
        return fs.stream().filter(f -> f.check() == c).map(Finding::verdict).reduce((a, b) -> a == Verdict.FAIL ? a : b)
                .orElseThrow(() -> new AssertionError("no finding for " + c.id()));
    }

    private static final String LIBKRUN = """
            Name:           libkrun
            Version:        1.19.0
            Release:        1%{?dist}
            Summary:        Dynamic library providing KVM-based process isolation
            License:        Apache-2.0
            URL:            https://github.com/containers/libkrun
            Source0:        %{url}/archive/v%{version}/libkrun-%{version}.tar.gz
            %if 0%{?rhel}
            Source1:        libkrun-%{version}-vendor.tar.xz
            %endif
            # Upstream only supports these architectures.
            ExclusiveArch:  x86_64 aarch64
            BuildRequires:  cargo-rpm-macros
            BuildRequires:  gcc
            REQUIRES

            %description
            libkrun.

            %package devel
            Summary:        Header files for libkrun
            Requires:       %{name}%{?_isa} = %{version}-%{release}

            %description devel
            Headers.

            %build
            %cargo_build
            make init CC=gcc

            %check
            %cargo_test

            %files
            %license LICENSE
            %{_libdir}/libkrun.so.1{,.*}

            %files devel
            %{_includedir}/libkrun.h
            %{_libdir}/libkrun.so
            %{_libdir}/pkgconfig/libkrun.pc
            """;

    @Test
    void libkrunMustRequireLibkrunfw() {
        List<Finding> with = check("libkrun.spec", LIBKRUN.replace("REQUIRES", "Requires:       libkrunfw%{?_isa} >= 5.0.0"));
        assertThat(verdict(with, Rule.REQUIRES_DLOPEN)).isEqualTo(Verdict.PASS);
        List<Finding> without = check("libkrun.spec", LIBKRUN.replace("REQUIRES", ""));
        assertThat(verdict(without, Rule.REQUIRES_DLOPEN)).isEqualTo(Verdict.FAIL);
    }

    @Test
    void libkrunDistGitGapsAreFlagged() {
        List<Finding> fs = check("libkrun.spec", LIBKRUN.replace("REQUIRES", "Requires:       libkrunfw >= 5.0.0"));
        Finding cond = fs.stream().filter(f -> f.check() == Rule.CONDITIONAL_SOURCES).findFirst().orElseThrow();
        assertThat(cond.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(cond.evidence()).singleElement().asString().startsWith("/nonexistent/libkrun.spec:9: Source1:");
        assertThat(verdict(fs, Rule.CRATE_LICENSES)).isEqualTo(Verdict.MANUAL);
        assertThat(verdict(fs, Rule.RUST_MACROS)).isEqualTo(Verdict.PASS);
        assertThat(verdict(fs, Rule.BUILDREQUIRES_GCC)).isEqualTo(Verdict.PASS);
        assertThat(verdict(fs, Rule.DEVEL_CONTENTS)).isEqualTo(Verdict.PASS);
        assertThat(verdict(fs, Rule.SONAME_GLOB)).isEqualTo(Verdict.PASS);
        assertThat(verdict(fs, Rule.EXCLUSIVEARCH_COMMENT)).isEqualTo(Verdict.PASS);
        assertThat(verdict(fs, Rule.CHECK_SECTION)).isEqualTo(Verdict.PASS);
        // Source1 is a bare file name without a comment saying how it is made
        assertThat(verdict(fs, Rule.SOURCE_URL)).isEqualTo(Verdict.FAIL);
        assertThat(fs.stream().filter(f -> f.check().group() == Group.KRUN && f.check() != Rule.REQUIRES_DLOPEN)).isEmpty();
    }

    private static final String CRUN = """
            Name:           crun
            Version:        1.29.1
            Release:        %autorelease
            Summary:        OCI runtime written in C
            License:        GPL-2.0-or-later
            URL:            https://github.com/containers/crun
            Source0:        %{url}/releases/download/%{version}/%{name}-%{version}.tar.zst
            BuildRequires:  gcc
            BuildRequires:  make

            %description
            crun.

            %package krun
            Summary:        crun with libkrun support
            Requires:       crun = %{?epoch:%{epoch}:}%{version}-%{release}
            KRUNREQ
            Provides:       krun = %{?epoch:%{epoch}:}%{version}-%{release}

            %description krun
            krun.

            %build
            %configure --with-libkrun
            %make_build

            %check
            make check

            %files
            %license COPYING
            %{_bindir}/crun

            %files krun
            %{_bindir}/krun

            %changelog
            %autochangelog
            """;

    @Test
    void crunKrunMustRequireLibkrun() {
        assertThat(verdict(check("crun.spec", CRUN.replace("KRUNREQ", "Requires:       libkrun%{?_isa}")), Rule.REQUIRES_DLOPEN))
                .isEqualTo(Verdict.PASS);
        assertThat(verdict(check("crun.spec", CRUN.replace("KRUNREQ", "")), Rule.REQUIRES_DLOPEN))
                .isEqualTo(Verdict.FAIL);
    }

    @Test
    void libkrunfwWithoutLicenseOrExemptionCommentFails() {
        String spec = """
                Name:           libkrunfw
                Version:        5.5.0
                Release:        1%{?dist}
                Summary:        A dynamic library bundling the guest payload consumed by libkrun.
                License:        LGPL-2.1-only
                URL:            https://github.com/containers/libkrunfw
                Source0:        https://github.com/containers/libkrunfw/archive/refs/tags/v5.5.0.tar.gz
                Source1:        https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.91.tar.xz
                Patch0:         0001-x.patch
                ExclusiveArch:  x86_64 aarch64 riscv64
                %define debug_package %{nil}

                %description
                x.

                %files
                %{_libdir}/libkrunfw.so.*
                %{_libdir}/libkrunfw.so

                %post -p /sbin/ldconfig
                """;
        List<Finding> fs = check("libkrunfw.spec", spec);
        assertThat(fs.stream().filter(f -> f.verdict() == Verdict.FAIL).map(Finding::id).distinct().sorted())
                .containsExactly("c.devel-contents", "c.no-ldconfig", "c.soname-explicit",
                        "generic.debuginfo-comment", "generic.exclusivearch-comment", "generic.global-not-define",
                        "generic.license-files", "generic.line-length", "generic.patch-comments", "generic.source-url-version",
                        "generic.summary", "krun.exemption-comment", "krun.gpl-license");
        assertThat(verdict(fs, Rule.KERNEL_TARBALL)).isEqualTo(Verdict.PASS);
        // Whether upstream has a test suite is not known without its tarball: a question, not a failure.
        assertThat(verdict(fs, Rule.CHECK_SECTION)).isEqualTo(Verdict.MANUAL);
    }

    @Test
    void parserKeepsLinesSectionsAndConditionals() {
        SpecFile s = SpecFile.parse(Path.of("x.spec"), LIBKRUN.replace("REQUIRES", ""));
        assertThat(s.name()).isEqualTo("libkrun");
        assertThat(s.tag("source1").orElseThrow().conditional()).isTrue();
        assertThat(s.tag("source0").orElseThrow().conditional()).isFalse();
        assertThat(s.expand(s.tag("source0").orElseThrow().value()))
                .isEqualTo("https://github.com/containers/libkrun/archive/v1.19.0/libkrun-1.19.0.tar.gz");
        assertThat(s.sections("files")).extracting(SpecFile.Section::arg).containsExactly("", "devel");
        assertThat(s.packageName("devel")).isEqualTo("libkrun-devel");
        assertThat(s.commentAbove(s.tag("exclusivearch").orElseThrow().line()))
                .containsExactly("# Upstream only supports these architectures.");
    }

    @Test
    void sourcesChecksumMatchesMismatchesAndFixmes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String spec = """
                Name:           foo
                Version:        1.0
                Source0:        https://example.org/foo-%{version}.tar.gz
                Source1:        https://example.org/bar-%{version}.tar.gz
                """;
        java.nio.file.Files.writeString(dir.resolve("foo-1.0.tar.gz"), "foo");
        java.nio.file.Files.writeString(dir.resolve("bar-1.0.tar.gz"), "bar");
        String foo = org.krunpack.core.Digests.sha512("foo".getBytes());
        String bar = org.krunpack.core.Digests.sha512("bar".getBytes());
        java.util.function.Function<String, Finding> run = sources -> {
            try {
                java.nio.file.Files.writeString(dir.resolve("foo.sources"), sources);
                Path p = dir.resolve("foo.spec");
                java.nio.file.Files.writeString(p, spec);
                return new SpecChecks(SpecFile.read(p), "foo.spec", Licenses.fedora(), Optional.empty()).run().stream()
                        .filter(f -> f.check() == Rule.SOURCES_CHECKSUM).findFirst().orElseThrow();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertThat(run.apply("SHA512 (foo-1.0.tar.gz) = " + foo + "\nSHA512 (bar-1.0.tar.gz) = " + bar + "\n").verdict())
                .isEqualTo(Verdict.PASS);
        Finding bad = run.apply("SHA512 (foo-1.0.tar.gz) = " + bar + "\nSHA512 (bar-1.0.tar.gz) = " + bar + "\n");
        assertThat(bad.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(bad.evidence()).singleElement().asString().startsWith("foo.sources:1: foo-1.0.tar.gz has SHA512");
        Finding unlisted = run.apply("SHA512 (foo-1.0.tar.gz) = " + foo + "\n");
        assertThat(unlisted.evidence()).singleElement().asString().contains("bar-1.0.tar.gz is not listed in foo.sources");
        assertThat(run.apply("# FIXME SHA512 (foo-1.0.tar.gz): digest unknown\nSHA512 (bar-1.0.tar.gz) = " + bar + "\n")
                .verdict()).isEqualTo(Verdict.NOT_EVALUATED);
    }
}
