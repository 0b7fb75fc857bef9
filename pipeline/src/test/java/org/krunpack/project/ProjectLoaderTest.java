package org.krunpack.project;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ProjectLoaderTest {
    private static final String SHA = "ab".repeat(64);
    /** A project file's first lines: versions, the epoch and one kernel source (its digest to fill in). */
    private static final String KERNEL_ONLY = """
            libkrunfw: {version: "5.5.0", abi: 5}
            sourceDateEpoch: 1735689600
            sources:
              kernel: {path: linux.tar.xz, sha512: "%s"}
            """;

    @Test
    void theRepositorysProjectFileIsValid() {
        Project p = ProjectLoader.load(Path.of("../krunpack.yaml"));
        assertThat(p.libraryFileName()).isEqualTo("libkrunfw.so.5.5.0");
        assertThat(p.soname()).isEqualTo("libkrunfw.so.5");
        assertThat(p.arch()).isEqualTo(Arch.X86_64);
        assertThat(p.kernelSources()).isNotEmpty();
        assertThat(p.config().fragments()).hasSize(4).allSatisfy(f -> assertThat(f).exists());
        assertThat(p.patches().fromRelease()).isTrue();
        assertThat(p.patches().decisions()).singleElement().satisfies(d -> {
            assertThat(d.patch()).isEqualTo("0008-virtio-vsock-support-dgrams.patch");
            assertThat(d.action()).isEqualTo(Project.PatchDecision.Action.REPLACE);
            assertThat(d.reason()).contains("virtio_transport_alloc_skb");
        });
    }

    @Test
    void anAbsoluteModelPathIsShownInTheSpecsWithoutTheHostsFolders(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Path inside = dir.resolve("rpm/packaging.yaml");
        Path outside = dir.getParent().resolve("elsewhere/packaging.yaml");
        for (var c : new Object[][] {{inside, "rpm/packaging.yaml"}, {outside, "packaging.yaml"}}) {
            Path f = write(dir, KERNEL_ONLY.formatted(SHA) + "config: {fragments: [a.config]}\npackaging: {model: %s}\n".formatted(c[0]));
            PackagingConfig pc = ProjectLoader.load(f).packaging();
            assertThat(pc.model()).isEqualTo(c[0]);
            assertThat(pc.modelName()).isEqualTo(c[1]);
        }
        Path f = write(dir, KERNEL_ONLY.formatted(SHA) + "config: {fragments: [a.config]}\npackaging: {model: ../m/packaging.yaml}\n");
        assertThat(ProjectLoader.load(f).packaging().modelName()).isEqualTo("../m/packaging.yaml");
    }

    @Test
    void aValidFileResolvesPathsAgainstItsDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Path f = write(dir, """
                libkrunfw: {version: "5.5.0", abi: 5}
                variant: sev
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {path: linux.tar.xz, sha512: "%s"}
                config: {fragments: [a.config]}
                """.formatted(SHA));
        Project p = ProjectLoader.load(f);
        assertThat(p.kernelSources().get(0).path()).isEqualTo(dir.resolve("linux.tar.xz"));
        assertThat(p.libraryFileName()).isEqualTo("libkrunfw-sev.so.5.5.0");
        assertThat(p.patches().fuzz()).isZero();
        assertThat(p.build().ccache()).isEqualTo("auto");
    }

    @Test
    void aTeeVariantOnAForeignArchIsAUsageErrorSayingWhatToChange(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        for (String arch : new String[] {"aarch64", "riscv64"}) {
            for (String variant : new String[] {"sev", "tdx"}) {
                Path f = write(dir, """
                        libkrunfw: {version: "5.5.0", abi: 5}
                        arch: %s
                        variant: %s
                        sourceDateEpoch: 1735689600
                        sources:
                          kernel: {path: linux.tar.xz, sha512: "%s"}
                        config: {fragments: [a.config]}
                        """.formatted(arch, variant, SHA));
                KrunpackException e = catchThrowableOfType(() -> ProjectLoader.load(f), KrunpackException.class);
                assertThat(e).as("%s on %s", variant, arch).isNotNull();
                assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                assertThat(e.problems()).singleElement().asString().startsWith("variant: '" + variant + "'")
                        .contains("x86_64 only", "set variant: generic, or arch: x86_64");
            }
        }
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath(@TempDir Path dir) throws Exception {
        Path f = write(dir, """
                libkrunfw: {version: "5.x", abi: 4}
                arch: sparc
                variant: fancy
                sourcesx: 1
                sources:
                  kernel:
                    - {path: a.tar.xz, sha512: "abc"}
                    - {url: "ftp://example.org/k.tar.xz", sha512: "%s"}
                    - {maven: "not-coordinates", sha512: "%s"}
                patches: {fuzz: 7}
                config: {fragments: [missing.config], full: also.config}
                build: {ccache: maybe, jobs: -1}
                """.formatted(SHA, SHA));
        KrunpackException e = catchThrowableOfType(KrunpackException.class, () -> ProjectLoader.load(f));
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("libkrunfw.version: '5.x'"))
                .anySatisfy(p -> assertThat(p).startsWith("arch: 'sparc'"))
                .anySatisfy(p -> assertThat(p).startsWith("variant: 'fancy'"))
                .anySatisfy(p -> assertThat(p).startsWith("sourcesx: unknown key; did you mean 'sources'?"))
                .anySatisfy(p -> assertThat(p).startsWith("sourceDateEpoch: required"))
                .anySatisfy(p -> assertThat(p).startsWith("sources.kernel[0].sha512: must be 128"))
                .anySatisfy(p -> assertThat(p).startsWith("sources.kernel[1].url: 'ftp://"))
                .anySatisfy(p -> assertThat(p).startsWith("sources.kernel[2].maven: 'not-coordinates'"))
                .anySatisfy(p -> assertThat(p).startsWith("patches.fuzz: 7 is out of range: use 0 to 3 (line 10)"))
                .anySatisfy(p -> assertThat(p).startsWith("config.fragments[0]: ").contains("does not exist"))
                .anySatisfy(p -> assertThat(p).startsWith("config: set exactly one of"))
                .anySatisfy(p -> assertThat(p).startsWith("build.ccache: 'maybe'"))
                .anySatisfy(p -> assertThat(p).startsWith("build.jobs: -1 is out of range"));
        assertThat(e.getMessage()).startsWith(f + ": ").contains(e.problems().size() + " problems");
    }

    /** Issue 12: a misspelled key at any depth, and a repeated key, never pass silently. */
    @Test
    void misspelledKeysAtEveryDepthAndRepeatedKeysAreErrors(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Files.writeString(dir.resolve("r.tar.gz"), "x");
        Path f = write(dir, """
                libkrunfw: {version: "5.5.0", abi: 5}
                sourceDateEpoch: 1735689600
                sources:
                  kernel: [{path: linux.tar.xz, sha152: "%s"}]
                  release: {path: r.tar.gz, sha512: "%s"}
                patches:
                  fuz: 2
                  release:
                    - {patch: 0008-x.patch, exclude: true, reasn: typo}
                config: {fragments: [a.config], strcit: true}
                build: {jbos: 4}
                copr:
                  owner: me
                  project: p
                  chroots: [fedora-rawhide-x86_64]
                  scm: {clone_ur: "https://example.org/x.git"}
                libkrunfw: {version: "9.9.9", abi: 9}
                """.formatted(SHA, SHA));
        KrunpackException e = catchThrowableOfType(KrunpackException.class, () -> ProjectLoader.load(f));
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("sources.kernel[0].sha152: unknown key; did you mean 'sha512'?"))
                .anySatisfy(p -> assertThat(p).startsWith("patches.fuz: unknown key; did you mean 'fuzz'?"))
                .anySatisfy(p -> assertThat(p).startsWith("patches.release[0].reasn: unknown key; did you mean 'reason'?"))
                .anySatisfy(p -> assertThat(p).startsWith("config.strcit: unknown key; did you mean 'strict'?"))
                .anySatisfy(p -> assertThat(p).startsWith("build.jbos: unknown key; did you mean 'jobs'?"))
                .anySatisfy(p -> assertThat(p).startsWith("copr.scm.clone_ur: unknown key; did you mean 'clone_url'?"))
                .anySatisfy(p -> assertThat(p).startsWith("libkrunfw: repeated key (first on line 1)"));
    }

    @Test
    void aMissingOrBrokenFileIsAUsageErrorNamingIt(@TempDir Path dir) throws Exception {
        KrunpackException missing = catchThrowableOfType(KrunpackException.class,
                () -> ProjectLoader.load(dir.resolve("nope.yaml")));
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.getMessage()).contains("nope.yaml", "not found");
        Path bad = write(dir, "libkrunfw: [unclosed\n");
        KrunpackException broken = catchThrowableOfType(KrunpackException.class, () -> ProjectLoader.load(bad));
        assertThat(broken.getMessage()).contains("krunpack.yaml", "not valid YAML");
    }

    @Test
    void configExemptionsNeedAFullConfigAValidNameAReasonAndNoRepeat(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Files.writeString(dir.resolve("full.config"), "CONFIG_A=y\n");
        Path ok = write(dir, KERNEL_ONLY.formatted(SHA) + """
                config:
                  full: full.config
                  exempt:
                    - {option: CONFIG_MEMCG_KMEM, reason: gone from this kernel}
                    - {option: HAVE_KVM, reason: gone too}
                """);
        assertThat(ProjectLoader.load(ok).config().exempt()).containsExactly(
                java.util.Map.entry("MEMCG_KMEM", "gone from this kernel"), java.util.Map.entry("HAVE_KVM", "gone too"));

        Path bad = write(dir, KERNEL_ONLY.formatted(SHA) + """
                config:
                  fragments: [a.config]
                  exempt:
                    - {option: "CONFIG_NOT A NAME", reason: x}
                    - {option: CONFIG_B, reason: first}
                    - {option: B, reason: second}
                    - {option: CONFIG_C}
                """);
        KrunpackException e = catchThrowableOfType(KrunpackException.class, () -> ProjectLoader.load(bad));
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("config.exempt[0].option: 'CONFIG_NOT A NAME' is not a Kconfig"))
                .anySatisfy(p -> assertThat(p).startsWith("config.exempt[2].option: CONFIG_B is exempted twice"))
                .anySatisfy(p -> assertThat(p).startsWith("config.exempt[3].reason"))
                .anySatisfy(p -> assertThat(p).startsWith("config.exempt: is for a full or the release's config"));
    }

    private static Path write(Path dir, String text) throws Exception {
        return Files.writeString(dir.resolve("krunpack.yaml"), text);
    }
}
