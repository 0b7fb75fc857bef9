package org.krunpack.packaging;

import org.krunpack.project.PackagingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.specgen.ModelReader;
import org.krunpack.specgen.Profile;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BumpTest {
    @Test
    void bumpWithTheReleaseTarballAtHandReadsTheKernelAndRecordsDigests(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        Specs.generate(cfg);
        Path src = Files.createDirectories(dir.resolve("src"));
        Path release = StandInRelease.writeRelease(src, "5.5.0", 5, "6.12.91", "CONFIG_64BIT=y\n", 1735689600L);
        Path kernel = FakeKernelTarball.write(src, "6.12.91", 1735689600L);

        PackagingResult r = Bump.run(cfg, Fixtures.bump("libkrunfw", "5.5.0", null, src));

        var p = ModelReader.read(cfg.model()).get("libkrunfw");
        assertThat(p.version()).isEqualTo("5.5.0");
        assertThat(p.kernel()).isEqualTo("6.12.91");
        assertThat(p.release()).isEqualTo("1");
        assertThat(p.sources()).extracting(s -> s.sha512()).containsExactly(Digests.sha512(release), Digests.sha512(kernel));
        assertThat(Files.readString(dir.resolve("rpm/libkrunfw.sources"))).isEqualTo(
                "SHA512 (libkrunfw-5.5.0.tar.gz) = " + Digests.sha512(release) + "\n"
                        + "SHA512 (linux-6.12.91.tar.xz) = " + Digests.sha512(kernel) + "\n");
        assertThat(Files.readString(dir.resolve("rpm/libkrunfw.spec"))).contains("%global kernel linux-6.12.91",
                "* Wed Nov 25 2026 Jane Packager <jane@example.org> - 5.5.0-1");
        assertThat(r.details().get("missingDigests")).asList().isEmpty();
        assertThat((String) r.details().get("specDiff")).contains("+Version:        5.5.0");
        assertThat(Specs.drift(cfg)).isEmpty();
    }

    @Test
    void kernelDisagreeingWithTheReleaseMakefileIsRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        Specs.generate(cfg);
        String modelBefore = Files.readString(cfg.model());
        String specBefore = Files.readString(dir.resolve("rpm/libkrunfw.spec"));
        Path src = Files.createDirectories(dir.resolve("src"));
        StandInRelease.writeRelease(src, "5.5.0", 5, "6.12.90", "", 1735689600L);

        assertThatThrownBy(() -> Bump.run(cfg, Fixtures.bump("libkrunfw", "5.5.0", "6.12.91", src)))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("--kernel 6.12.91").hasMessageContaining("linux-6.12.90");
        assertThat(Files.readString(cfg.model())).isEqualTo(modelBefore);
        assertThat(Files.readString(dir.resolve("rpm/libkrunfw.spec"))).isEqualTo(specBefore);
    }

    @Test
    void missingDigestsShowAsFixmeNeverAsAMadeUpValue(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        Bump.run(cfg, Fixtures.bump("libkrunfw", "5.5.0", "6.12.91", null));
        String sources = Files.readString(dir.resolve("rpm/libkrunfw.sources"));
        assertThat(sources.lines()).allMatch(l -> l.startsWith("# FIXME SHA512 ("));
        assertThat(sources).contains("(linux-6.12.91.tar.xz)").doesNotContainPattern("[0-9a-f]{128}");
    }

    @Test
    void badInputIsRefusedWithEveryProblem(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        assertThatThrownBy(() -> Bump.run(cfg, Fixtures.bump("libkrun", "1.20-0", "6.12.91", null)))
                .isInstanceOf(KrunpackException.class)
                .satisfies(e -> assertThat(((KrunpackException) e).problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("VERSION").contains("'-'"))
                        .anySatisfy(p -> assertThat(p).startsWith("--kernel").contains("only libkrunfw")));
        assertThatThrownBy(() -> Bump.run(cfg, Fixtures.bump("libkrunfw", "5.5.0", null, null)))
                .hasMessageContaining("pass --kernel");
        assertThatThrownBy(() -> Bump.run(cfg, Fixtures.bump("nope", "1", null, null)))
                .hasMessageContaining("not in the model");
    }

    @Test
    void anAutoreleasePackageGetsNoHandWrittenChangelog(@TempDir Path dir) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        Bump.run(cfg, Fixtures.bump("crun", "1.30", null, null));
        var p = ModelReader.read(cfg.model()).get("crun");
        assertThat(p.version()).isEqualTo("1.30");
        assertThat(p.release()).isEqualTo("autorelease");
        assertThat(p.changelog()).isEmpty();
        assertThat(Files.readString(dir.resolve("rpm/crun.spec"))).contains("Release:        %autorelease",
                "%changelog\n%autochangelog");
    }
}
