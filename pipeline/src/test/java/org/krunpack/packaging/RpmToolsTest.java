package org.krunpack.packaging;

import org.krunpack.project.PackagingConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;
import org.krunpack.specgen.Profile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real rpm tools on the generated specs: {@code rpmspec -P} (Debian's rpm 4.18, with the autospec
 * stand-in macros loaded) and {@code rpmbuild -bs} with STAND-IN sources (small tarballs named as the
 * specs expect; the real upstream tarballs are not at hand offline).
 */
@Tag("tools")
class RpmToolsTest {
    @Test
    void everyGeneratedSpecParsesWithRpmspecInBothProfiles(@TempDir Path dir) throws Exception {
        for (Profile profile : Profile.values()) {
            PackagingConfig cfg = Fixtures.copyOf540(dir.resolve(profile.id()), profile);
            Specs.generate(cfg);
            Path macros = cfg.specDir().resolve("macros.krunpack-autospec");
            for (String pkg : List.of("libkrunfw", "libkrun", "crun")) {
                Path spec = cfg.specDir().resolve(pkg + ".spec");
                String plain = Rpmbuild.parse(spec, new Rpmbuild.Options(dir, 1735689600L, macros, List.of()));
                String fedora = Rpmbuild.parse(spec, new Rpmbuild.Options(dir, 1735689600L, macros,
                        List.of("--define", "fedora 43")));
                assertThat(plain).contains("Name:           " + pkg);
                if (pkg.equals("crun")) {
                    assertThat(fedora).contains("%package krun", "Requires:       libkrun");
                    assertThat(plain).doesNotContain("%package krun");
                    assertThat(fedora).contains("%changelog\n* Wed Jan 01 2025 krunpack <krunpack@localhost> - 1.29.1-1");
                }
                if (pkg.equals("libkrun")) {
                    // escaped changelog text comes out literally
                    assertThat(plain).contains("- Install straight into %{buildroot}: 100% of the files");
                }
            }
        }
    }

    @Test
    void checkedInSpecsParse() {
        Path rpm = Fixtures.ROOT.resolve("rpm");
        for (String pkg : List.of("libkrunfw", "libkrun", "crun")) {
            String out = Rpmbuild.parse(rpm.resolve(pkg + ".spec"), new Rpmbuild.Options(rpm, 1735689600L,
                    rpm.resolve("macros.krunpack-autospec"), List.of()));
            assertThat(out).contains("Name:           " + pkg);
            if (pkg.equals("libkrunfw")) {
                // what the pipeline built: the project's kernel and the replacement 0008, put in place
                assertThat(out).contains("KERNEL_VERSION=linux-6.12.117")
                        .containsPattern("(?m)^cp -p \\S*/0008-virtio-vsock-support-dgrams\\.patch"
                                + " patches/0008-virtio-vsock-support-dgrams\\.patch$")
                        .containsPattern("(?m)^rm -rf linux-6\\.12\\.117 kernel\\.c qboot\\.c initrd\\.c$");
            }
        }
    }

    /**
     * Every macro in the libkrunfw and crun specs, every variant on, expands with an rpm that has no
     * redhat-rpm-config (Debian's): the rpmbuild tests build them here, and an unexpanded name
     * reaches the shell (the SEV variant's {@code %{build_ldflags}} once did: {@code ld} was asked
     * for a file of that name). libkrun's cargo macros are Fedora's own (LibkrunReleaseTest parses
     * it under Fedora's macros).
     */
    @Test
    void theCheckedInLibkrunfwAndCrunSpecsLeaveNoMacroUnexpandedWithEveryVariantOn() {
        Path rpm = Fixtures.ROOT.resolve("rpm");
        for (String pkg : List.of("libkrunfw", "crun")) {
            String out = Rpmbuild.parse(rpm.resolve(pkg + ".spec"), new Rpmbuild.Options(rpm, 1735689600L,
                    rpm.resolve("macros.krunpack-autospec"), List.of("--with", "sev", "--with", "tdx",
                            "--with", "krun", "--with", "wasm", "--with", "criu", "--define", "fedora 43")));
            assertThat(out).as("%s.spec, rpmspec -P with every bcond on", pkg).doesNotContainPattern("%\\{\\??\\w");
            if (pkg.equals("libkrunfw")) {
                assertThat(out).contains("utils/krunfw_measurement.c -lcrypto", "SEV=1", "TDX=1");
            }
        }
    }

    @Test
    void srpmsFromStandInSourcesAreByteIdenticalAcrossBuilds(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        Specs.generate(cfg);
        Path empty = Files.createDirectories(dir.resolve("no-sources"));
        PackagingResult a = Srpms.build(cfg, new Srpms.Request(List.of(), empty, dir.resolve("a"), 1735689600L, true));
        Thread.sleep(1100); // a different wall-clock second: build time must not leak in
        // nor the input files' modes and mtimes
        Path spec = cfg.specDir().resolve("crun.spec");
        Files.setPosixFilePermissions(spec, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(spec, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        PackagingResult b = Srpms.build(cfg, new Srpms.Request(List.of(), empty, dir.resolve("b"), 1735689600L, true));

        @SuppressWarnings("unchecked")
        Map<String, String> sa = (Map<String, String>) a.details().get("srpms");
        @SuppressWarnings("unchecked")
        Map<String, String> sb = (Map<String, String>) b.details().get("srpms");
        assertThat(sa.keySet()).containsExactly("libkrunfw-5.4.0-2.src.rpm", "libkrun-1.19.0-1.src.rpm",
                "crun-1.29.1-1.src.rpm");
        assertThat(sb).isEqualTo(sa);
        for (String f : sa.keySet()) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(f))).isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }
        assertThat(a.summary()).anyMatch(l -> l.startsWith("STAND-IN sources") && l.contains("linux-6.12.87.tar.xz"));
        String files = Tools.check(List.of("rpm", "-qlp", dir.resolve("a/libkrunfw-5.4.0-2.src.rpm").toString()), null,
                null).stdout();
        assertThat(files.lines()).containsExactlyInAnyOrder("libkrunfw-5.4.0.tar.gz", "libkrunfw.spec",
                "linux-6.12.87.tar.xz");
        String buildtime = Tools.check(List.of("rpm", "-qp", "--qf", "%{BUILDTIME} %{BUILDHOST}",
                dir.resolve("a/crun-1.29.1-1.src.rpm").toString()), null, null).stdout();
        assertThat(buildtime).isEqualTo("1735689600 " + Rpmbuild.BUILD_HOST);
    }

    @Test
    void aSourceWhoseDigestDiffersFromTheModelIsRefused(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        Path src = Files.createDirectories(dir.resolve("src"));
        StandInSources.writeMissing(Fixtures.model540().get("libkrun"), src, 1735689600L);
        Bump.run(cfg, Fixtures.bump("libkrun", "1.19.0", null, src)); // records the digests
        Files.writeString(src.resolve("libkrun-1.19.0.tar.gz"), "tampered");

        assertThatThrownBy(() -> Srpms.build(cfg, new Srpms.Request(List.of("libkrun"), src, dir.resolve("out"),
                1735689600L, false)))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("libkrun-1.19.0.tar.gz").hasMessageContaining("SHA-512 mismatch");
        assertThat(dir.resolve("out")).isEmptyDirectory();
    }
}
