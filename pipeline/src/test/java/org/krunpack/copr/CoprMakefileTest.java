package org.krunpack.copr;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPR's make_srpm contract with the real make and rpmbuild: {@code make -f .copr/Makefile srpm
 * outdir=DIR spec=SPEC}, run from another directory as COPR does, leaves the SRPM in DIR.
 * {@code krunpack srpm} is stood in by a script ({@code KRUNPACK=...}) that calls rpmbuild on a
 * stand-in spec with stand-in sources: these tests are about the Makefile's own work (arguments,
 * installing what is missing, checking the result). {@link CoprMakeSrpmTest} runs it with the real
 * krunpack on the real specs.
 */
@Tag("tools")
class CoprMakefileTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path RES = Path.of("src/test/resources/copr/make").toAbsolutePath();

    @TempDir
    Path dir;
    Path spec;
    Path fake;
    Path log;
    Path sources;

    @BeforeEach
    void setUp() throws IOException {
        assertThat(ROOT.resolve(".copr/Makefile")).exists();
        Path rpm = Files.createDirectories(dir.resolve("clone/rpm"));
        spec = Files.copy(RES.resolve("libkrunfw.spec"), rpm.resolve("libkrunfw.spec"));
        fake = Files.copy(RES.resolve("fake-krunpack"), dir.resolve("fake-krunpack"));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        log = dir.resolve("fake.log");
        sources = Files.createDirectories(dir.resolve("sources"));
        Files.writeString(sources.resolve("libkrunfw-5.5.0.tar.gz"), "stand-in release tarball\n");
        Files.writeString(sources.resolve("linux-6.12.117.tar.xz"), "stand-in kernel tarball\n");
    }

    Tools.Result make(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(List.of("make", "-f", ROOT.resolve(".copr/Makefile").toString(), "srpm"));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, cwd, Map.of("FAKE_LOG", log.toString(), "SOURCES_DIR", sources.toString()));
    }

    @Test
    void makeSrpmLeavesTheSrpmInOutdir() throws IOException {
        Path outdir = dir.resolve("result");
        // COPR runs it from the clone's subdirectory, with an absolute spec path
        Tools.Result r = make(spec.getParent(), "outdir=" + outdir, "spec=" + spec, "KRUNPACK=" + fake);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        List<Path> srpms;
        try (Stream<Path> s = Files.list(outdir)) {
            srpms = s.filter(p -> p.toString().endsWith(".src.rpm")).toList();
        }
        assertThat(srpms).hasSize(1);
        assertThat(srpms.get(0).getFileName().toString()).startsWith("libkrunfw-5.5.0-1").endsWith(".src.rpm");
        Tools.Result files = Tools.run(List.of("rpm", "-qpl", "--nosignature", srpms.get(0).toString()), null, null);
        assertThat(files.stdout()).contains("libkrunfw-5.5.0.tar.gz", "linux-6.12.117.tar.xz", "libkrunfw.spec");
        assertThat(r.stdout()).contains("installing nothing", "SRPM ready: " + srpms.get(0));
        assertThat(Files.readString(log).strip())
                .isEqualTo("srpm --spec " + spec + " --outdir " + outdir + " --source-dir " + ROOT.resolve("out/rpm-sources")
                        + " --fetch | cwd=" + ROOT);
    }

    @Test
    void relativeArgumentsAreResolvedFromWhereMakeRuns() throws IOException {
        Tools.Result r = make(dir.resolve("clone"), "outdir=out", "spec=rpm/libkrunfw.spec", "KRUNPACK=" + fake);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(Files.readString(log)).contains("--spec " + spec + " --outdir " + dir.resolve("clone/out"));
    }

    /** A java that reports the version in {@code version} (as java -XshowSettings does) and a dnf that "installs" 21. */
    Path[] fakeJavaAndDnf(boolean dnfFixesJava) throws IOException {
        Path version = Files.writeString(dir.resolve("java-version"), "11\n");
        Path java = dir.resolve("fake-java");
        Files.writeString(java, "#!/bin/sh\necho \"    java.specification.version = $(cat " + version + ")\" >&2\n");
        Path dnf = dir.resolve("fake-dnf");
        Files.writeString(dnf, "#!/bin/sh\necho \"$*\" >> " + dir.resolve("dnf.log") + "\n"
                + (dnfFixesJava ? "echo 21 > " + version + "\n" : ""));
        for (Path p : List.of(java, dnf)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new Path[] {java, dnf};
    }

    @Test
    void missingToolsAreInstalledWithDnfAndSaidSo() throws IOException {
        Path[] jd = fakeJavaAndDnf(true);
        Tools.Result r = make(spec.getParent(), "outdir=" + dir.resolve("o"), "spec=" + spec, "KRUNPACK=" + fake,
                "DNF=" + jd[1], "MVN=krunpack-test-no-such-mvn", "JAVA=" + jd[0], "CARGO=krunpack-test-no-such-cargo");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("installing with " + jd[1] + ": java-21-openjdk-devel maven");
        assertThat(Files.readString(dir.resolve("dnf.log")).strip())
                .as("no cargo: this spec names no crate vendor tarball")
                .isEqualTo("-y install java-21-openjdk-devel maven");
        assertThat(log).exists();
    }

    @Test
    void cargoIsInstalledWhenTheSpecNamesACrateVendorTarball() throws IOException {
        Files.writeString(spec, Files.readString(spec).replace("Source1:        linux-6.12.117.tar.xz",
                "Source1:        linux-6.12.117.tar.xz\nSource2:        %{name}-%{version}-vendor.tar.xz"));
        Files.writeString(sources.resolve("libkrunfw-5.5.0-vendor.tar.xz"), "stand-in vendor tarball\n");
        Path[] jd = fakeJavaAndDnf(true);
        Tools.Result r = make(spec.getParent(), "outdir=" + dir.resolve("o"), "spec=" + spec, "KRUNPACK=" + fake,
                "DNF=" + jd[1], "JAVA=" + jd[0], "CARGO=krunpack-test-no-such-cargo", "SRPM_ARGS=--stand-in");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(Files.readString(dir.resolve("dnf.log")).strip()).isEqualTo("-y install java-21-openjdk-devel cargo");
        assertThat(Files.readString(log)).contains("--stand-in").doesNotContain("--fetch");
    }

    @Test
    void aJavaStillTooOldAfterInstallingStops() throws IOException {
        Path[] jd = fakeJavaAndDnf(false);
        Tools.Result r = make(spec.getParent(), "outdir=" + dir.resolve("o"), "spec=" + spec, "KRUNPACK=" + fake,
                "DNF=" + jd[1], "JAVA=" + jd[0]);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("is still not Java >= 17 after installing", "JAVA_PKG=");
        assertThat(log).doesNotExist();
    }

    @Test
    void withoutDnfMissingToolsAreNamedAndNothingRuns() {
        Tools.Result r = make(spec.getParent(), "outdir=" + dir.resolve("o"), "spec=" + spec, "KRUNPACK=" + fake,
                "DNF=krunpack-test-no-such-dnf", "RPMBUILD=krunpack-test-no-such-rpmbuild");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("missing: rpm-build", "install them");
        assertThat(log).doesNotExist();
    }

    @Test
    void argumentsAreChecked() {
        Tools.Result none = make(dir);
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.stderr()).contains("outdir=DIR spec=SPEC (both are required)");
        Tools.Result missing = make(dir, "outdir=o", "spec=rpm/nothing.spec");
        assertThat(missing.stderr()).contains("spec=rpm/nothing.spec: no such file");
        assertThat(log).doesNotExist();
    }

    @Test
    void aToolThatWritesNoSrpmOfThePackageFails() throws IOException {
        Path liar = dir.resolve("liar");
        Files.writeString(liar, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(liar, PosixFilePermissions.fromString("rwxr-xr-x"));
        Tools.Result r = make(spec.getParent(), "outdir=" + dir.resolve("o"), "spec=" + spec, "KRUNPACK=" + liar);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("left no SRPM of libkrunfw in " + dir.resolve("o"));
    }
}
