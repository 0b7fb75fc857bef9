package org.krunpack.sources;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.archive.ExtractLimits;
import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.release.MakefileVars;
import org.krunpack.testing.TarBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.StandardCopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelTreeTest {
    @TempDir
    Path tmp;

    /** A miniature kernel tarball with Debian's naming: the top directory does not carry the full version. */
    private Path kernelTarball(String sublevel) {
        return new TarBuilder()
                .dir("linux-source-6.1/")
                .file("linux-source-6.1/Makefile", String.join("\n",
                        "# SPDX-License-Identifier: GPL-2.0",
                        "VERSION = 6",
                        "PATCHLEVEL = 1",
                        "SUBLEVEL = " + sublevel,
                        "EXTRAVERSION =",
                        "NAME = Fixture",
                        "HOSTARCH := $(shell uname -m)",
                        "KERNELVERSION = $(VERSION)$(if $(PATCHLEVEL),.$(PATCHLEVEL))",
                        ""))
                .file("linux-source-6.1/scripts/config", "#!/bin/sh\n", 0755)
                .symlink("linux-source-6.1/scripts/alias", "config")
                .write(tmp.resolve("linux-source-6.1.tar.xz"), TarBuilder.Compression.XZ);
    }

    private Path extract(Path tarball, Path target) {
        return KernelTree.extract(tarball, Digests.sha512(tarball), target, tmp.resolve("tmp"), null).tree();
    }

    @Test
    void extractsStrippingWhateverTopDirectoryAndRecordsAPristineState() throws IOException {
        Path target = tmp.resolve("out/tree/linux-6.1.7");

        KernelTreeResult r = KernelTree.extract(kernelTarball("7"), null, target, tmp.resolve("tmp"), null);

        assertThat(r.tree()).isEqualTo(target);
        assertThat(r.version()).isEqualTo("6.1.7");
        assertThat(r.topDirectory()).isEqualTo("linux-source-6.1");
        assertThat(r.tree().resolve("Makefile")).exists();
        assertThat(Files.getPosixFilePermissions(r.tree().resolve("scripts/config")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.readSymbolicLink(r.tree().resolve("scripts/alias"))).isEqualTo(Path.of("config"));
        assertThat(TreeState.read(target)).satisfies(st -> {
            assertThat(st.isPristine()).isTrue();
            assertThat(st.version()).isEqualTo("6.1.7");
        });
        assertThat(r.artifacts()).extracting(a -> a.path()).containsExactly(r.tree());
        try (Stream<Path> left = Files.list(tmp.resolve("tmp"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void extractingAgainReplacesTheTree() throws IOException {
        Path target = tmp.resolve("out/tree/linux-6.1.7");
        Path tarball = kernelTarball("7");
        extract(tarball, target);
        Files.writeString(target.resolve("Makefile"), "patched\n");

        extract(tarball, target);

        assertThat(Files.readString(target.resolve("Makefile"))).startsWith("# SPDX");
    }

    /** The digest is computed over the bytes extracted: a file that is not the one checked is discarded. */
    @Test
    void bytesOtherThanTheCheckedOnesAreDiscardedWithNothingInstalled() throws IOException {
        Path target = tmp.resolve("out/tree/linux-6.1.7");
        Path tarball = kernelTarball("7");
        String checked = Digests.sha512(tarball);
        Files.write(tarball, Files.readAllBytes(kernelTarball("8")));

        assertThatThrownBy(() -> KernelTree.extract(tarball, checked, target, tmp.resolve("tmp"), null))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
                    assertThat(e.getMessage()).contains("the file changed while krunpack read it");
                });
        assertThat(target).doesNotExist();
        try (Stream<Path> left = Files.list(tmp.resolve("tmp"))) {
            assertThat(left).isEmpty();
        }
    }

    /**
     * The race of a swap during the check, made deterministic: the hook runs once the tarball is
     * open and before a byte is read, and replaces the file by path (a rename, as {@code mv} does).
     * What is extracted and recorded is what was opened: the checked bytes, never the replacement.
     */
    @Test
    void aFileSwappedByPathAfterItIsOpenedChangesNothingExtractedOrRecorded() throws IOException {
        Path target = tmp.resolve("out/tree/linux-6.1.7");
        Path evil = Files.move(kernelTarball("8"), tmp.resolve("evil.tar.xz"));
        Files.copy(evil, tmp.resolve("evil-copy.tar.xz"));
        Path tarball = kernelTarball("7");
        String checked = Digests.sha512(tarball);
        boolean[] swapped = {false};

        KernelTreeResult r = KernelTree.extract(tarball, target, tmp.resolve("tmp"),
                SafeExtractor.Options.of(ExtractLimits.DEFAULTS, checked).afterOpen(() -> {
                    try {
                        Files.move(evil, tarball, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        swapped[0] = true;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));

        assertThat(swapped[0]).isTrue();
        assertThat(Digests.sha512(tarball)).as("the path now holds the replacement")
                .isEqualTo(Digests.sha512(tmp.resolve("evil-copy.tar.xz")));
        assertThat(r.version()).isEqualTo("6.1.7");
        assertThat(Files.readString(target.resolve("Makefile"))).contains("SUBLEVEL = 7");
        assertThat(TreeState.read(target).tarballSha512()).isEqualTo(checked);
    }

    /** A file replaced between the check and the open: its bytes are not the checked ones, nothing is installed. */
    @Test
    void aFileSwappedBeforeItIsOpenedIsDiscarded() throws IOException {
        Path target = tmp.resolve("out/tree/linux-6.1.7");
        String checked = Digests.sha512(kernelTarball("7"));
        Path tarball = kernelTarball("8");

        assertThatThrownBy(() -> KernelTree.extract(tarball, target, tmp.resolve("tmp"),
                SafeExtractor.Options.of(ExtractLimits.DEFAULTS, checked)))
                .isInstanceOfSatisfying(KrunpackException.class,
                        e -> assertThat(e.getMessage()).contains("the file changed while krunpack read it"));
        assertThat(target).doesNotExist();
        try (Stream<Path> left = Files.list(tmp.resolve("tmp"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theVersionIsReadByStreamingAndRememberedByDigest() throws IOException {
        Path tarball = kernelTarball("7");
        Path cache = tmp.resolve("cache");

        assertThat(KernelTree.tarballVersion(tarball, Digests.sha512(tarball), cache)).isEqualTo("6.1.7");
        assertThat(tmp.resolve("out")).doesNotExist();
        Path remembered;
        try (Stream<Path> s = Files.list(cache.resolve("kernel-version"))) {
            remembered = s.findFirst().orElseThrow();
        }
        assertThat(Files.readString(remembered).strip()).isEqualTo("6.1.7");
    }

    @Test
    void aTarballWithoutAKernelMakefileIsRefused() {
        Path notKernel = new TarBuilder().dir("x/").file("x/README", "hi\n")
                .write(tmp.resolve("x.tar.gz"), TarBuilder.Compression.GZIP);
        assertThatThrownBy(() -> KernelTree.tarballVersion(notKernel, null, null))
                .isInstanceOfSatisfying(KrunpackException.class,
                        e -> assertThat(e.getMessage()).contains("not a kernel source tarball"));
    }

    @Test
    void versionsCompareByNumber() {
        assertThat(KernelTree.sameVersion("6.12", "6.12.0")).isTrue();
        assertThat(KernelTree.sameVersion("linux-6.12.91", "6.12.91")).isTrue();
        assertThat(KernelTree.sameVersion("6.12.9", "6.12.91")).isFalse();
        assertThat(KernelTree.sameVersion("6.012.1", "6.12.1")).isTrue();
    }

    @Test
    void theTopMakefileMustCarryNumbers() {
        MakefileVars v = MakefileVars.parse("x/Makefile", "VERSION = 6\nPATCHLEVEL = 12\n");

        assertThatThrownBy(() -> KernelTree.treeVersion(v, "x/Makefile"))
                .hasMessageContaining("x/Makefile: SUBLEVEL is ''");
    }

    /** Debian's real tarball (apt-get install linux-source-6.12); skipped when absent. */
    @Test
    @Tag("tools")
    void extractsDebiansKernelTarball() throws IOException {
        Path tarball = Path.of("/usr/src/linux-source-6.12.tar.xz");
        Assumptions.assumeTrue(Files.isRegularFile(tarball), "needs Debian's linux-source-6.12");
        Path out = tmp.resolve("out");

        KernelTreeResult r = KernelTree.extract(tarball, null, out.resolve("tree/linux-6.12.117"),
                tmp.resolve("tmp"), null);

        System.out.printf("extracted %d entries, %d MB, from %s in %.1f s%n", r.entries(), r.bytes() >> 20,
                tarball, r.millis() / 1000.0);
        assertThat(r.version()).isEqualTo("6.12.117");
        assertThat(r.topDirectory()).isEqualTo("linux-source-6.12");
        assertThat(r.entries()).isGreaterThan(80_000);
        assertThat(Files.isExecutable(r.tree().resolve("scripts/setlocalversion"))).isTrue();
        assertThat(r.tree().resolve("arch/x86/Kconfig")).isRegularFile();
    }

}
