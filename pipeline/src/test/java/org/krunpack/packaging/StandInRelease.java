package org.krunpack.packaging;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.StepResult;
import org.krunpack.core.Artifact;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a stand-in libkrunfw release that WE wrote, in upstream's layout, plus a kernel tarball under
 * the name upstream's Makefile expects, so the generated libkrunfw spec can be built for real with
 * {@code rpmbuild -bb} when the real release tarball is not at hand (offline).
 *
 * <p>The release tarball {@code libkrunfw-<version>.tar.gz} holds: our {@code Makefile} (takes
 * {@code tarballs/linux-<kernel>.tar.xz}, extracts it, applies {@code patches/0*.patch} in order and
 * stops at the first failure, copies {@code config-libkrunfw_x86_64} to {@code .config}, runs
 * {@code KCONFIG_ALLCONFIG=config make allnoconfig} and {@code make vmlinux} with a fixed KBUILD timestamp, user and host,
 * lays the vmlinux PT_LOAD segments out by physical address, and bundles them with an {@code .incbin}
 * into a writable, 64 KiB aligned and padded array in {@code libkrunfw.so.<version>} with SONAME
 * {@code libkrunfw.so.<abi>}); {@code krunfw.c} (the exported functions), {@code payload.sh},
 * one patch of ours, the kernel config (ours: the caller passes it, usually our fragments, so a small
 * kernel), licence files and a README that says it is a stand-in.
 *
 * <p>The kernel tarball is repacked from any kernel tarball (e.g. Debian's
 * {@code /usr/src/linux-source-6.12.tar.xz}): its top directory renamed to {@code linux-<kernel>},
 * entries sorted, owner 0, mtimes SOURCE_DATE_EPOCH, compressed with {@code xz -1}.
 */
public final class StandInRelease {
    private StandInRelease() {
    }

    /** What was written. */
    public record Result(Path releaseTarball, Path kernelTarball) implements StepResult {
        @Override
        public String step() {
            return "stand-in-release";
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public List<Artifact> artifacts() {
            return List.of(new Artifact("stand-in-release", releaseTarball), new Artifact("kernel-tarball", kernelTarball));
        }

        @Override
        public List<String> summary() {
            return List.of("stand-in libkrunfw release (ours, not upstream's): " + releaseTarball.getFileName(),
                    "kernel tarball repacked as " + kernelTarball.getFileName());
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("standIn", true);
            m.put("release", releaseTarball.toString());
            m.put("kernel", kernelTarball.toString());
            return m;
        }
    }

    /**
     * Writes both tarballs into {@code dir}.
     *
     * @param version        the stand-in's FULL_VERSION (5.5.0)
     * @param abi            ABI_VERSION (5)
     * @param kernelVersion  the kernel version the Makefile names (must be the tarball's own version)
     * @param kernelSource   any kernel tarball of that version (any top directory name)
     * @param kernelConfig   the text of config-libkrunfw_x86_64
     * @param sourceDateEpoch fixes mtimes and KBUILD_BUILD_TIMESTAMP
     */
    public static Result write(Path dir, String version, int abi, String kernelVersion, Path kernelSource,
                               String kernelConfig, long sourceDateEpoch) {
        Path release = writeRelease(dir, version, abi, kernelVersion, kernelConfig, sourceDateEpoch);
        Path kernel = repackKernel(kernelSource, kernelVersion, dir, sourceDateEpoch);
        return new Result(release, kernel);
    }

    /** The release tarball alone: {@code dir/libkrunfw-<version>.tar.gz}. */
    public static Path writeRelease(Path dir, String version, int abi, String kernelVersion, String kernelConfig,
                                    long sourceDateEpoch) {
        String top = "libkrunfw-" + version + "/";
        Map<String, String> files = new TreeMap<>();
        files.put("Makefile", makefile(version, abi, kernelVersion, sourceDateEpoch));
        files.put("krunfw.c", KRUNFW_C);
        files.put("bundle.S", BUNDLE_S);
        files.put("payload.sh", PAYLOAD_SH);
        files.put("config-libkrunfw_x86_64", kernelConfig);
        files.put("patches/0001-krunpack-stand-in-marker.patch", PATCH);
        files.put("README.md", README);
        files.put("LICENSE-GPL-2.0-only", license("GPL-2.0-only", "https://spdx.org/licenses/GPL-2.0-only.html",
                "the kernel and the library built from it"));
        files.put("LICENSE-LGPL-2.1-only", license("LGPL-2.1-only", "https://spdx.org/licenses/LGPL-2.1-only.html",
                "krunfw.c, bundle.S, payload.sh and the Makefile"));
        Path target = dir.resolve("libkrunfw-" + version + ".tar.gz");
        long mtime = sourceDateEpoch * 1000L;
        AtomicFiles.writeStream(target, out -> {
            GzipParameters gp = new GzipParameters();
            gp.setModificationTime(0);
            try (var gz = new GzipCompressorOutputStream(nonClosing(out), gp);
                 var tar = new TarArchiveOutputStream(gz)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (String d : List.of("", "patches/")) {
                    TarArchiveEntry e = new TarArchiveEntry(top + d);
                    e.setMode(040755);
                    stamp(e, mtime);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
                for (var f : files.entrySet()) {
                    byte[] b = f.getValue().getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry e = new TarArchiveEntry(top + f.getKey());
                    e.setSize(b.length);
                    e.setMode(f.getKey().endsWith(".sh") ? 0100755 : 0100644);
                    stamp(e, mtime);
                    tar.putArchiveEntry(e);
                    tar.write(b);
                    tar.closeArchiveEntry();
                }
            }
        });
        Specs.readable(target);
        return target;
    }

    /**
     * Repacks a kernel tarball as {@code dir/linux-<version>.tar.xz} with top directory
     * {@code linux-<version>}, as a stream: {@code xz -dc} → each entry renamed (owner 0, mtime
     * {@code sourceDateEpoch}, link targets inside the tree renamed too) → {@code xz -1 -T2}; nothing
     * is extracted to disk. The Makefile's version must be {@code kernelVersion}, else nothing is written.
     */
    public static Path repackKernel(Path source, String kernelVersion, Path dir, long sourceDateEpoch) {
        if (!Files.isRegularFile(source)) {
            throw KrunpackException.usage(source + ": kernel tarball not found (Debian: apt-get install"
                    + " linux-source-6.12)");
        }
        Tools.require("xz", "xz-utils", "xz");
        String name = "linux-" + kernelVersion;
        Path target = dir.resolve(name + ".tar.xz");
        Path tmp = dir.resolve("." + name + ".tar.xz.tmp");
        Process unxz = null;
        Process xz = null;
        try {
            Files.createDirectories(dir);
            unxz = new ProcessBuilder("xz", "-dc", source.toAbsolutePath().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            xz = new ProcessBuilder("xz", "-1", "-T2", "-c").redirectOutput(tmp.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String top = null;
            String makefile = null;
            java.util.Date mtime = new java.util.Date(sourceDateEpoch * 1000L);
            try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                    new java.io.BufferedInputStream(unxz.getInputStream(), 1 << 20));
                 var out = new TarArchiveOutputStream(new java.io.BufferedOutputStream(xz.getOutputStream(), 1 << 20))) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                TarArchiveEntry e;
                while ((e = in.getNextEntry()) != null) {
                    String n = e.getName();
                    int slash = n.indexOf('/');
                    String first = slash < 0 ? n : n.substring(0, slash);
                    if (top == null) {
                        top = first;
                    } else if (!top.equals(first)) {
                        throw KrunpackException.usage(source + ": expected one top directory, found " + top
                                + " and " + first);
                    }
                    TarArchiveEntry r = new TarArchiveEntry(name + n.substring(first.length()), e.getLinkFlag());
                    r.setMode(e.getMode());
                    r.setModTime(mtime);
                    r.setIds(0, 0);
                    r.setNames("", "");
                    if (e.isLink()) { // a hard link names a member of the same tree
                        String l = e.getLinkName();
                        r.setLinkName(l.startsWith(top + "/") ? name + l.substring(top.length()) : l);
                    } else if (e.isSymbolicLink()) {
                        r.setLinkName(e.getLinkName());
                    }
                    byte flag = e.getLinkFlag();
                    boolean regular = flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM
                            || flag == TarArchiveEntry.LF_CONTIG;
                    if (regular) {
                        r.setSize(e.getSize());
                    }
                    out.putArchiveEntry(r);
                    if (regular) {
                        if (n.equals(top + "/Makefile")) {
                            byte[] b = in.readAllBytes();
                            makefile = new String(b, StandardCharsets.UTF_8);
                            out.write(b);
                        } else {
                            in.transferTo(out);
                        }
                    }
                    out.closeArchiveEntry();
                }
                String found = makefile == null ? "none" : KernelVersion.fromMakefile(makefile);
                if (!found.equals(kernelVersion)) {
                    throw KrunpackException.usage(source + ": its Makefile says kernel " + found + ", not "
                            + kernelVersion);
                }
            }
            if (unxz.waitFor() != 0 || xz.waitFor() != 0) {
                throw KrunpackException.external("cannot repack " + source + ": xz exited " + unxz.exitValue()
                        + " / " + xz.exitValue());
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw KrunpackException.external("cannot repack " + source + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while repacking " + source, e);
        } finally {
            if (unxz != null) {
                unxz.destroyForcibly();
            }
            if (xz != null) {
                xz.destroyForcibly();
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary file is named as such
            }
        }
        Specs.readable(target);
        return target;
    }

    /**
     * The stand-in release's config: our fragments concatenated. Its Makefile resolves them with
     * {@code KCONFIG_ALLCONFIG=<config> make allnoconfig} (every unlisted symbol off), so the kernel
     * is as small as the fragments ask.
     */
    public static String configFromFragments(List<Path> fragments) {
        StringBuilder sb = new StringBuilder("# config-libkrunfw_x86_64 of the krunpack stand-in release:\n"
                + "# our fragments concatenated; resolved with KCONFIG_ALLCONFIG + 'make allnoconfig'.\n");
        for (Path f : fragments) {
            try {
                sb.append("\n# --- ").append(f.getFileName()).append('\n').append(Files.readString(f));
            } catch (IOException e) {
                throw KrunpackException.usage("cannot read " + f + ": " + e.getMessage());
            }
        }
        return sb.toString();
    }

    private static void stamp(TarArchiveEntry e, long mtimeMillis) {
        e.setModTime(mtimeMillis);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("root");
        e.setGroupName("root");
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String makefile(String version, int abi, String kernelVersion, long sde) {
        String ts = java.time.format.DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", java.util.Locale.ENGLISH)
                .format(java.time.Instant.ofEpochSecond(sde).atZone(java.time.ZoneOffset.UTC));
        return MAKEFILE.replace("@KERNEL@", kernelVersion).replace("@ABI@", Integer.toString(abi))
                .replace("@VERSION@", version).replace("@TIMESTAMP@", ts);
    }

    private static String license(String id, String url, String what) {
        return "Stand-in licence file of the krunpack stand-in libkrunfw release.\n\n"
                + "SPDX-License-Identifier: " + id + "\n\nApplies to " + what + ". The full text of " + id
                + " is at\n" + url + "\n";
    }

    private static final String MAKEFILE = """
            # Makefile of the krunpack STAND-IN libkrunfw release (written by krunpack, not upstream's).
            # Same layout and variables as upstream's: the kernel tarball comes from tarballs/.
            SHELL := /bin/bash
            KERNEL_VERSION = linux-@KERNEL@
            ABI_VERSION = @ABI@
            FULL_VERSION = @VERSION@
            KERNEL_TARBALL = tarballs/$(KERNEL_VERSION).tar.xz
            KERNEL_SOURCES = $(KERNEL_VERSION)
            KERNEL_CONFIG = config-libkrunfw_x86_64
            KERNEL_PATCHES = $(sort $(wildcard patches/0*.patch))
            KBUILD_FLAGS = KBUILD_BUILD_TIMESTAMP="@TIMESTAMP@" KBUILD_BUILD_USER=root KBUILD_BUILD_HOST=libkrunfw \\
            \tKBUILD_BUILD_VERSION=1
            # ccache when installed (relative paths let it hit across build directories)
            KCC := $(if $(shell command -v ccache),ccache gcc,gcc)
            export CCACHE_BASEDIR := $(CURDIR)
            PREFIX ?= /usr/local
            LIBDIR = $(PREFIX)/lib64
            SONAME = libkrunfw.so.$(ABI_VERSION)
            KRUNFW_BINARY = libkrunfw.so.$(FULL_VERSION)
            CC ?= cc

            ifneq ($(SEV)$(TDX),)
            $(error the stand-in release builds the generic variant only (SEV/TDX need a firmware and an initrd it does not ship): build with --without sev)
            endif

            all: $(KRUNFW_BINARY)

            $(KERNEL_SOURCES)/.krunfw-prepared: $(KERNEL_TARBALL) $(KERNEL_PATCHES) $(KERNEL_CONFIG)
            \trm -rf $(KERNEL_SOURCES)
            \ttar -xf $(KERNEL_TARBALL)
            \tset -e; for p in $(KERNEL_PATCHES); do echo "applying $$p"; patch -p1 -d $(KERNEL_SOURCES) < $$p; done
            \tKCONFIG_ALLCONFIG=$(CURDIR)/$(KERNEL_CONFIG) $(MAKE) -C $(KERNEL_SOURCES) allnoconfig
            \ttouch $@

            $(KERNEL_SOURCES)/vmlinux: $(KERNEL_SOURCES)/.krunfw-prepared
            \t$(MAKE) -C $(KERNEL_SOURCES) $(KBUILD_FLAGS) CC="$(KCC)" vmlinux

            kernel.bin: $(KERNEL_SOURCES)/vmlinux payload.sh
            \t./payload.sh $< $@

            $(KRUNFW_BINARY): kernel.bin krunfw.c bundle.S
            \t$(CC) -fPIC -shared -O2 -DABI_VERSION=$(ABI_VERSION) \\
            \t  -DKRUNFW_LOAD_VADDR=$$(readelf -lW $(KERNEL_SOURCES)/vmlinux | awk '$$1 == "LOAD" {print $$3 "ULL"; exit}') \\
            \t  -DKRUNFW_ENTRY=$$(readelf -hW $(KERNEL_SOURCES)/vmlinux | awk '/Entry point/ {print $$4 "ULL"}') \\
            \t  -Wl,-soname,$(SONAME) -Wl,-z,noexecstack -o $@ krunfw.c bundle.S
            \tstrip --strip-unneeded $@

            install: $(KRUNFW_BINARY)
            \tinstall -d $(DESTDIR)$(LIBDIR)
            \tinstall -m 755 $(KRUNFW_BINARY) $(DESTDIR)$(LIBDIR)/
            \tln -sf $(KRUNFW_BINARY) $(DESTDIR)$(LIBDIR)/$(SONAME)
            \tln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libkrunfw.so

            clean:
            \trm -rf $(KERNEL_SOURCES) kernel.bin $(KRUNFW_BINARY)

            .PHONY: all install clean
            """.replace("\\t", "\t");

    private static final String KRUNFW_C = """
            /* krunpack stand-in libkrunfw: the exported functions (bundle contract, ABI 5). */
            #include <stddef.h>

            extern char KERNEL_BUNDLE[];
            extern char KERNEL_BUNDLE_END[];

            char *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)
            {
                *load_addr = (size_t)(KRUNFW_LOAD_VADDR & 0xfffffffULL);
                *entry_addr = (size_t)KRUNFW_ENTRY;
                *size = (size_t)(KERNEL_BUNDLE_END - KERNEL_BUNDLE);
                return KERNEL_BUNDLE;
            }

            int krunfw_get_version(void)
            {
                return ABI_VERSION;
            }
            """;

    private static final String BUNDLE_S = """
            /* krunpack stand-in libkrunfw: the payload, writable (.data), 64 KiB aligned and padded. */
                .data
                .globl KERNEL_BUNDLE
                .type KERNEL_BUNDLE, @object
                .p2align 16
            KERNEL_BUNDLE:
                .incbin "kernel.bin"
                .p2align 16, 0
                .globl KERNEL_BUNDLE_END
                .hidden KERNEL_BUNDLE_END
            KERNEL_BUNDLE_END:
                .size KERNEL_BUNDLE, KERNEL_BUNDLE_END - KERNEL_BUNDLE
                .section .note.GNU-stack,"",@progbits
            """;

    private static final String PAYLOAD_SH = """
            #!/bin/bash
            # payload.sh VMLINUX OUT: every PT_LOAD segment's file bytes (p_filesz, no .bss), laid out
            # by physical address from the first segment's, gaps zero-filled (krunpack stand-in).
            set -euo pipefail
            vmlinux=$1 out=$2
            : > "$out.tmp"
            base=
            while read -r off paddr filesz; do
              [ -n "$base" ] || base=$((paddr))
              dd if="$vmlinux" of="$out.tmp" bs=1M iflag=skip_bytes,count_bytes oflag=seek_bytes \\
                conv=notrunc status=none skip=$((off)) seek=$((paddr - base)) count=$((filesz))
            done < <(readelf -lW "$vmlinux" | awk '$1 == "LOAD" {print $2, $4, $5}')
            mv "$out.tmp" "$out"
            """;

    private static final String PATCH = """
            From: krunpack <krunpack@example.org>
            Subject: [PATCH] Add a marker file naming the krunpack stand-in release
            Upstream-Status: Inappropriate [stand-in release for krunpack's offline tests]

            ---
            diff --git a/krunpack-stand-in.txt b/krunpack-stand-in.txt
            new file mode 100644
            --- /dev/null
            +++ b/krunpack-stand-in.txt
            @@ -0,0 +1 @@
            +This kernel tree was prepared by the krunpack stand-in libkrunfw release.
            """;

    private static final String README = """
            # krunpack stand-in libkrunfw release

            This is NOT upstream libkrunfw. krunpack writes this tarball so that the generated
            libkrunfw spec can be built with rpmbuild when the real release tarball is not at hand.
            It has upstream's layout (Makefile, patches/, config-libkrunfw_x86_64, tarballs/) and
            builds an ABI-compatible libkrunfw.so from the kernel tarball in tarballs/, with our
            own Makefile, patch and kernel config.
            """;
}
