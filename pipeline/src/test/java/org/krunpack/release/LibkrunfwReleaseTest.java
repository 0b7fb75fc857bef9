package org.krunpack.release;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.TarBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LibkrunfwReleaseTest {
    @TempDir
    Path tmp;

    /** Our own miniature release in libkrunfw's layout (not upstream's files). */
    static final String MAKEFILE = String.join("\n",
            "# fixture release Makefile, written for krunpack's tests",
            "ABI_VERSION=4",
            "FULL_VERSION = $(ABI_VERSION).2.1",
            "KERNEL_VERSION ?= linux-6.1.7",
            "KERNEL_SOURCES = $(KERNEL_VERSION)",
            "",
            "all: $(KERNEL_SOURCES)",
            "\t@echo building",
            "");

    static Path fixtureTree(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("patches"));
        Files.createDirectories(dir.resolve("patches-tee"));
        Files.writeString(dir.resolve("Makefile"), MAKEFILE);
        Files.writeString(dir.resolve("patches/0002-second.patch"), "--- a/x\n+++ b/x\n");
        Files.writeString(dir.resolve("patches/0001-first.patch"), "--- a/x\n+++ b/x\n");
        Files.writeString(dir.resolve("patches/README"), "not a patch\n");
        Files.writeString(dir.resolve("patches/1000-not-numbered-with-0.patch"), "ignored\n");
        Files.writeString(dir.resolve("patches-tee/0001-tee.patch"), "--- a/y\n+++ b/y\n");
        Files.writeString(dir.resolve("config-libkrunfw_x86_64"), "CONFIG_X=y\n");
        Files.writeString(dir.resolve("config-libkrunfw-sev_x86_64"), "CONFIG_SEV=y\n");
        Files.writeString(dir.resolve("config-libkrunfw_aarch64"), "CONFIG_ARM=y\n");
        return dir;
    }

    @Test
    void readsVersionsPatchesAndConfigsFromATree() throws IOException {
        Path tree = fixtureTree(tmp.resolve("libkrunfw"));

        LibkrunfwRelease r = LibkrunfwRelease.open(tree, tmp.resolve("work"));

        assertThat(r.kernelName()).isEqualTo("linux-6.1.7");
        assertThat(r.kernelVersion()).isEqualTo("6.1.7");
        assertThat(r.abiVersion()).isEqualTo("4");
        assertThat(r.fullVersion()).isEqualTo("4.2.1");
        assertThat(r.patches()).extracting(p -> p.getFileName().toString())
                .containsExactly("0001-first.patch", "0002-second.patch");
        assertThat(r.patches(Variant.SEV)).extracting(p -> p.getFileName().toString())
                .containsExactly("0001-first.patch", "0002-second.patch", "0001-tee.patch");
        assertThat(r.patches(Variant.GENERIC)).hasSize(2);
        assertThat(r.config(Arch.X86_64, Variant.GENERIC)).hasContent("CONFIG_X=y");
        assertThat(r.config(Arch.X86_64, Variant.SEV)).hasContent("CONFIG_SEV=y");
        assertThat(r.config(Arch.AARCH64, Variant.GENERIC)).hasContent("CONFIG_ARM=y");
        assertThat(tmp.resolve("work")).doesNotExist();
    }

    @Test
    void aMissingConfigNamesTheExpectedFileAndWhatExists() throws IOException {
        LibkrunfwRelease r = LibkrunfwRelease.read(fixtureTree(tmp.resolve("libkrunfw")));

        assertThatThrownBy(() -> r.config(Arch.X86_64, Variant.TDX))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("config-libkrunfw-tdx_x86_64")
                .hasMessageContaining("config-libkrunfw-sev_x86_64, config-libkrunfw_aarch64, config-libkrunfw_x86_64");
    }

    @Test
    void extractsAReleaseTarball() {
        Path tarball = new TarBuilder()
                .dir("libkrunfw-4.2.1/")
                .file("libkrunfw-4.2.1/Makefile", MAKEFILE)
                .file("libkrunfw-4.2.1/patches/0001-only.patch", "--- a/z\n+++ b/z\n")
                .file("libkrunfw-4.2.1/config-libkrunfw_x86_64", "CONFIG_X=y\n")
                .write(tmp.resolve("v4.2.1.tar.gz"), TarBuilder.Compression.GZIP);

        LibkrunfwRelease r = LibkrunfwRelease.open(tarball, tmp.resolve("work"));

        assertThat(r.root()).isEqualTo(tmp.resolve("work/libkrunfw"));
        assertThat(r.fullVersion()).isEqualTo("4.2.1");
        assertThat(r.patches()).containsExactly(tmp.resolve("work/libkrunfw/patches/0001-only.patch"));
        assertThat(r.teePatches()).isEmpty();
    }

    @Test
    void aBadKernelVersionNamesTheMakefile() throws IOException {
        Path tree = fixtureTree(tmp.resolve("libkrunfw"));
        Files.writeString(tree.resolve("Makefile"), "ABI_VERSION=4\nFULL_VERSION=4.0.0\nKERNEL_VERSION=linux-next\n");

        assertThatThrownBy(() -> LibkrunfwRelease.read(tree))
                .hasMessageContaining(tree.resolve("Makefile").toString())
                .hasMessageContaining("KERNEL_VERSION 'linux-next'");
    }

    @Test
    void aTreeWithoutMakefileIsNotARelease() {
        assertThatThrownBy(() -> LibkrunfwRelease.read(tmp))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("not a libkrunfw source tree");
    }
}
