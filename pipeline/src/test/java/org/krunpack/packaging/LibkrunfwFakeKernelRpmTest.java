package org.krunpack.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Tools;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SpecGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole libkrunfw rpmbuild -bb flow in seconds: the generated strict spec, our STAND-IN release
 * (its real Makefile, patch loop, payload layout and .incbin bundling) and a FAKE kernel tarball
 * whose "vmlinux" is a tiny static ELF. The real-kernel build is {@link LibkrunfwRealReleaseRpmTest}.
 */
@Tag("tools")
class LibkrunfwFakeKernelRpmTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void buildsBinaryRpmFromStandInReleaseAndFakeKernel(@TempDir Path work) throws Exception {
        Path sources = Files.createDirectories(work.resolve("sources"));
        PackageModel pkg = Fixtures.checkedInWithoutReleasePatches().get("libkrunfw");
        Path spec = work.resolve("libkrunfw.spec");
        Files.writeString(spec, new SpecGenerator(null).render(pkg, Profile.STRICT, "rpm/packaging.yaml"));
        Path macros = work.resolve(SpecGenerator.AUTOSPEC_MACROS);
        Files.writeString(macros, SpecGenerator.autospecMacros());
        StandInRelease.writeRelease(sources, pkg.version(), pkg.abi(), pkg.kernel(), "CONFIG_64BIT=y\n", 1735689600L);
        FakeKernelTarball.write(sources, pkg.kernel(), 1735689600L);

        List<Path> rpms = Rpmbuild.binaryRpms(spec, work.resolve("RPMS"),
                new Rpmbuild.Options(sources, 1735689600L, macros, List.of("--nodeps", "--without", "sev")),
                work.resolve("rpmbuild.log"));

        assertThat(rpms).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("libkrunfw-5.5.0-2.x86_64.rpm", "libkrunfw-devel-5.5.0-2.x86_64.rpm");
        Path x = Files.createDirectories(work.resolve("x"));
        Tools.check(List.of("bash", "-c", "rpm2cpio " + work.resolve("RPMS/libkrunfw-5.5.0-2.x86_64.rpm")
                + " | cpio -idm --quiet"), x, null);
        Path lib = x.resolve("usr/lib64/libkrunfw.so.5.5.0");
        assertThat(Tools.check(List.of("readelf", "-dW", lib.toString()), null, null).stdout())
                .contains("Library soname: [libkrunfw.so.5]");
        String sections = Tools.check(List.of("readelf", "-SW", lib.toString()), null, null).stdout();
        assertThat(sections).containsPattern("\\.data +PROGBITS +\\S+ \\S+ \\S+ \\S+ +WA +0 +0 +65536");
        assertThat(Files.isSymbolicLink(x.resolve("usr/lib64/libkrunfw.so.5"))).isTrue();
        // the bundle contract, through dlopen(): ABI 5, load address from the first PT_LOAD's vaddr,
        // entry from e_entry, size a multiple of 64 KiB, array 64 KiB aligned and writable
        Path probe = work.resolve("probe");
        Tools.check(List.of("gcc", "-o", probe.toString(), Path.of("src/test/resources/packaging/krunfw-probe.c")
                .toAbsolutePath().toString(), "-ldl"), null, null);
        String out = Tools.check(List.of(probe.toString(), lib.toString()), null, null).stdout();
        // the fake vmlinux's first PT_LOAD starts at 0x1000000 with its ELF header; startup_64 (e_entry)
        // follows in the next page
        assertThat(out).startsWith("version=5 load=0x1000000 entry=0x1001000 ").contains(" align=0 ")
                .contains("first=0x7f");
        long size = Long.parseLong(out.replaceAll("(?s).*size=(\\d+).*", "$1"));
        assertThat(size % 65536).isZero();
        assertThat(size).isPositive();
        // %license files land in %{_defaultlicensedir}/%{_docdir_fmt} (Fedora: libkrunfw/, Debian: libkrunfw-5.5.0/)
        String licenses = Tools.check(List.of("rpm", "-qp", "--licensefiles",
                work.resolve("RPMS/libkrunfw-5.5.0-2.x86_64.rpm").toString()), null, null).stdout();
        assertThat(licenses).containsPattern("/licenses/libkrunfw[^/]*/LICENSE-GPL-2.0-only\n")
                .containsPattern("/licenses/libkrunfw[^/]*/LICENSE-LGPL-2.1-only\n");
    }
}
