package org.krunpack.packaging;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test scaffolding: a FAKE kernel tarball whose Makefile builds a tiny ELF "vmlinux" in a second.
 * With {@link StandInRelease}'s release it exercises the whole libkrunfw rpmbuild -bb flow quickly.
 */
final class FakeKernelTarball {
    private FakeKernelTarball() {
    }

    /** A kernel tarball {@code linux-<version>.tar.xz} whose Makefile builds a tiny ELF vmlinux. */
    static Path write(Path dir, String version, long sourceDateEpoch) {
        String[] v = version.split("\\.");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Makefile", ("# krunpack FAKE kernel tree: only the targets libkrunfw's Makefile calls.\n"
                + "VERSION = " + v[0] + "\nPATCHLEVEL = " + v[1] + "\nSUBLEVEL = " + v[2] + "\nEXTRAVERSION =\n"
                + "CC ?= cc\n"
                + "allnoconfig:\n\tcp \"$$KCONFIG_ALLCONFIG\" .config\n"
                + "vmlinux: head.c\n\t$(CC) -O2 -nostdlib -static -no-pie -Wl,-e,startup_64"
                + " -Wl,-Ttext-segment=0x1000000 -Wl,--build-id=none -o $@ head.c\n"));
        files.put("head.c", "/* krunpack fake kernel */\nchar data[4096] = {1};\n"
                + "void startup_64(void) { for (;;) data[0]++; }\n");
        Path target = dir.resolve("linux-" + version + ".tar.xz");
        StandInSources.tarball(target, "linux-" + version, files, sourceDateEpoch);
        return target;
    }

}
