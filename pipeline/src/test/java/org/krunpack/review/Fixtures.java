package org.krunpack.review;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.krunpack.core.Digests;
import org.krunpack.core.Tools;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds tiny libkrunfw-shaped packages with the real rpmbuild: a GOOD spec that passes every MUST
 * and mutants derived from it by one textual edit each.
 */
final class Fixtures {
    private Fixtures() {
    }

    static final String LIB_C = """
            /* krunpack test stand-in for libkrunfw: a writable, 64 KiB-aligned bundle. */
            #include <stddef.h>
            __attribute__((aligned(ALIGN))) char KERNEL_BUNDLE[65536] = {1};
            char *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)
            {
                *load_addr = 0x1000000;
                *entry_addr = 0x1000000;
                *size = sizeof(KERNEL_BUNDLE);
                return KERNEL_BUNDLE;
            }
            int krunfw_get_version(void)
            {
                return 5;
            }
            """;

    static final String GOOD_SPEC = """
            # The kernel version bundled into the library.
            %global kver 6.12.91

            # The payload is a kernel image turned into data: no debuginfo to extract.
            %global debug_package %{nil}

            Name:           libkrunfw
            Version:        5.5.0
            Release:        1%{?dist}
            Summary:        Dynamic library bundling the guest kernel used by libkrun
            License:        LGPL-2.1-only AND GPL-2.0-only
            URL:            https://github.com/libkrun/libkrunfw
            Source0:        %{url}/archive/v%{version}/libkrunfw-%{version}.tar.gz
            # Fedora allows one kernel package. This kernel can't be used for booting a
            # physical machine and, bundled in a dynamic library, it can not be mistaken
            # for a regular kernel: the one-kernel exemption granted to libkrunfw.
            Source1:        https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-%{kver}.tar.xz
            # Test stand-in for the bundle generator, written by krunpack's tests.
            Source2:        lib.c
            # The licence text, written by krunpack's tests.
            Source3:        LICENSE
            # Downstream only, not for upstream: test patch touching the stand-in.
            Patch0:         0001-comment.patch

            # libkrun, the only consumer, supports these architectures only.
            ExclusiveArch:  x86_64
            BuildRequires:  gcc
            BuildRequires:  make

            %description
            A dynamic library bundling a Linux kernel as data, for libkrun to load into a
            virtual machine.

            %package        devel
            Summary:        Development files for libkrunfw
            Requires:       %{name}%{?_isa} = %{version}-%{release}

            %description    devel
            The unversioned libkrunfw.so link for building against libkrunfw.

            %prep
            %setup -q -c -T
            cp %{SOURCE2} lib.c
            cp %{SOURCE3} LICENSE
            %patch -P 0 -p1

            %build
            gcc -shared -fPIC -DALIGN=65536 -Wl,-soname,libkrunfw.so.5 \\
                -o libkrunfw.so.%{version} lib.c

            %install
            install -D -m 0755 libkrunfw.so.%{version} \\
                %{buildroot}%{_libdir}/libkrunfw.so.%{version}
            ln -s libkrunfw.so.%{version} %{buildroot}%{_libdir}/libkrunfw.so.5
            ln -s libkrunfw.so.5 %{buildroot}%{_libdir}/libkrunfw.so
            #EXTRA-INSTALL

            # No check section: the tests boot the bundled kernel and need /dev/kvm.

            %files
            %license LICENSE
            %{_libdir}/libkrunfw.so.5{,.*}
            #EXTRA-FILES

            %files devel
            %{_libdir}/libkrunfw.so

            %changelog
            * Mon Jan 05 2026 krunpack tests <krunpack@example.org> - 5.5.0-1
            - Test fixture
            """;

    static final String PATCH = """
            Downstream only: a comment in the stand-in.
            ---
            --- a/lib.c
            +++ b/lib.c
            @@ -1,2 +1,3 @@
            +/* patched */
             /* krunpack test stand-in for libkrunfw: a writable, 64 KiB-aligned bundle. */
             #include <stddef.h>
            """;

    /** What one rpmbuild produced. */
    record Built(Path spec, Path srpm, List<Path> rpms) {
        List<Path> all() {
            List<Path> a = new ArrayList<>();
            a.add(spec);
            a.add(srpm);
            a.addAll(rpms);
            return a;
        }

        Path rpm(String name) {
            return rpms.stream().filter(p -> p.getFileName().toString().startsWith(name + "-5"))
                    .findFirst().orElseThrow();
        }
    }

    /** Writes the spec (edited by {@code edit}), its sources and a dist-git 'sources' file, and builds. */
    static Built buildLibkrunfw(Path dir, UnaryOperator<String> specEdit, UnaryOperator<String> libEdit,
                                Map<String, String> rpmbuildDefines) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("lib.c"), libEdit.apply(LIB_C));
        Files.writeString(src.resolve("LICENSE"), "GNU Lesser General Public License v2.1 (test stand-in)\n");
        Files.writeString(src.resolve("0001-comment.patch"), PATCH);
        byte[] tgz = tarGz("libkrunfw-5.5.0/README", "libkrunfw test tarball\n");
        Files.write(src.resolve("libkrunfw-5.5.0.tar.gz"), tgz);
        byte[] txz = tarXz("linux-6.12.91/README", "Linux kernel (test stand-in)\n");
        Files.write(src.resolve("linux-6.12.91.tar.xz"), txz);
        Files.writeString(src.resolve("sources"),
                "SHA512 (libkrunfw-5.5.0.tar.gz) = " + Digests.sha512(tgz) + "\n"
                        + "SHA512 (linux-6.12.91.tar.xz) = " + Digests.sha512(txz) + "\n");
        Path spec = src.resolve("libkrunfw.spec");
        Files.writeString(spec, specEdit.apply(GOOD_SPEC));
        Path top = Files.createDirectories(dir.resolve("top"));
        List<String> cmd = new ArrayList<>(List.of("rpmbuild", "-ba", "--nodeps", "--target", "x86_64",
                "--define", "_topdir " + top, "--define", "_sourcedir " + src,
                // as Fedora: no brp-elfperms (Debian's rpm strips x bits off .so files when elfutils is there)
                "--define", "__brp_elfperms %{nil}"));
        rpmbuildDefines.forEach((k, v) -> cmd.addAll(List.of("--define", k + " " + v)));
        cmd.add(spec.toString());
        Tools.Result r = Tools.run(cmd, dir, Map.of());
        if (!r.ok()) {
            throw new AssertionError("rpmbuild failed:\n" + r.stdout() + "\n" + r.stderr());
        }
        List<Path> rpms;
        try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
            rpms = s.filter(p -> p.toString().endsWith(".rpm")).sorted().toList();
        }
        Path srpm;
        try (Stream<Path> s = Files.walk(top.resolve("SRPMS"))) {
            srpm = s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
        }
        return new Built(spec, srpm, rpms);
    }

    static Built buildLibkrunfw(Path dir, UnaryOperator<String> specEdit) throws IOException {
        return buildLibkrunfw(dir, specEdit, l -> l, Map.of());
    }

    static byte[] tarGz(String name, String content) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            tar(gz, name, content);
        }
        return bo.toByteArray();
    }

    static byte[] tarXz(String name, String content) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(bo, new LZMA2Options())) {
            tar(xz, name, content);
        }
        return bo.toByteArray();
    }

    private static void tar(OutputStream os, String name, String content) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(os);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(b.length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
        tar.finish();
    }
}
