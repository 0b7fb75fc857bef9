package org.krunpack.sources;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;
import org.krunpack.release.LibkrunfwRelease;
import org.krunpack.release.MakefileVars;
import org.krunpack.testing.TarBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
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

    private Project project(String kernelVersion) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(dir.resolve("full.config"), "CONFIG_X=y\n");
        Files.writeString(dir.resolve("krunpack.yaml"), String.join("\n",
                "libkrunfw: {version: \"4.2.1\", abi: 4}",
                kernelVersion == null ? "" : "kernel: {version: \"" + kernelVersion + "\"}",
                "sourceDateEpoch: 1735689600",
                "config: {full: full.config}",
                "sources:",
                "  kernel: {path: /unused.tar.xz, sha512: \"" + "a".repeat(128) + "\"}",
                ""));
        return ProjectLoader.load(dir.resolve("krunpack.yaml"));
    }

    private static SourcesResult sources(Path tarball) {
        FetchedSource k = new FetchedSource("kernel", "sources.kernel[0]", tarball.toString(),
                tarball.getFileName().toString(), tarball, "a".repeat(128), false);
        return new SourcesResult(k, null, List.of(), tarball.resolveSibling("sources"));
    }

    private LibkrunfwRelease release(String kernel) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("libkrunfw"));
        Files.writeString(dir.resolve("Makefile"), "ABI_VERSION = 4\nFULL_VERSION = $(ABI_VERSION).2.1\n"
                + "KERNEL_VERSION = " + kernel + "\n");
        return LibkrunfwRelease.read(dir);
    }

    @Test
    void extractsIntoLinuxVersionStrippingWhateverTopDirectory() throws IOException {
        Path out = tmp.resolve("out");

        KernelTreeResult r = KernelTree.prepare(project("6.1.7"), sources(kernelTarball("7")), release("linux-6.1.7"),
                out);

        assertThat(r.tree()).isEqualTo(out.resolve("tree/linux-6.1.7").toAbsolutePath());
        assertThat(r.version()).isEqualTo("6.1.7");
        assertThat(r.topDirectory()).isEqualTo("linux-source-6.1");
        assertThat(r.tree().resolve("Makefile")).exists();
        assertThat(Files.getPosixFilePermissions(r.tree().resolve("scripts/config")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.readSymbolicLink(r.tree().resolve("scripts/alias"))).isEqualTo(Path.of("config"));
        assertThat(treeDir(out)).containsExactly("linux-6.1.7");
        assertThat(r.artifacts()).extracting(a -> a.path()).containsExactly(r.tree());
    }

    @Test
    void preparingAgainReplacesTheTree() throws IOException {
        Path out = tmp.resolve("out");
        KernelTreeResult first = KernelTree.prepare(project("6.1.7"), sources(kernelTarball("7")), null, out);
        Files.writeString(first.tree().resolve("Makefile"), "patched\n");

        KernelTreeResult second = KernelTree.prepare(project("6.1.7"), sources(kernelTarball("7")), null, out);

        assertThat(Files.readString(second.tree().resolve("Makefile"))).startsWith("# SPDX");
        assertThat(treeDir(out)).containsExactly("linux-6.1.7");
    }

    @Test
    void aTarballOtherThanTheProjectVersionIsRefusedNamingBothVersionsAndFiles() throws IOException {
        Path out = tmp.resolve("out");
        Path tarball = kernelTarball("7");
        Project p = project("6.1.91");

        assertThatThrownBy(() -> KernelTree.prepare(p, sources(tarball), null, out))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).contains(
                            tarball + ": linux-source-6.1/Makefile (VERSION/PATCHLEVEL/SUBLEVEL) says 6.1.7",
                            p.file() + " (kernel.version) says 6.1.91");
                });
        assertThat(treeDir(out)).isEmpty();
    }

    @Test
    void aTarballOtherThanTheReleaseKernelIsRefusedNamingTheReleaseMakefile() throws IOException {
        Path out = tmp.resolve("out");
        Path tarball = kernelTarball("7");
        LibkrunfwRelease release = release("linux-6.1.9");

        assertThatThrownBy(() -> KernelTree.prepare(project(null), sources(tarball), release, out))
                .hasMessageContaining("says 6.1.7")
                .hasMessageContaining(release.makefile() + " (KERNEL_VERSION linux-6.1.9) says 6.1.9");
        assertThat(treeDir(out)).isEmpty();
    }

    @Test
    void theProjectAndTheReleaseMustAgreeBeforeAnythingIsExtracted() throws IOException {
        Path out = tmp.resolve("out");
        LibkrunfwRelease release = release("linux-6.1.9");
        Project p = project("6.1.7");

        assertThatThrownBy(() -> KernelTree.prepare(p, sources(kernelTarball("7")), release, out))
                .hasMessageContaining(p.file() + " (kernel.version) says 6.1.7")
                .hasMessageContaining(release.makefile() + " (KERNEL_VERSION) says linux-6.1.9");
        assertThat(out).doesNotExist();
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

        KernelTreeResult r = KernelTree.prepare(project("6.12.117"), sources(tarball), null, out);

        System.out.printf("extracted %d entries, %d MB, from %s in %.1f s%n", r.entries(), r.bytes() >> 20,
                tarball, r.millis() / 1000.0);
        assertThat(r.version()).isEqualTo("6.12.117");
        assertThat(r.topDirectory()).isEqualTo("linux-source-6.12");
        assertThat(r.entries()).isGreaterThan(80_000);
        assertThat(Files.isExecutable(r.tree().resolve("scripts/setlocalversion"))).isTrue();
        assertThat(r.tree().resolve("arch/x86/Kconfig")).isRegularFile();
    }

    private static List<String> treeDir(Path out) throws IOException {
        Path t = out.resolve("tree");
        if (!Files.isDirectory(t)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(t)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
