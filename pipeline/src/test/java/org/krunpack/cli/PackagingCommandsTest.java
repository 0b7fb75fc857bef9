package org.krunpack.cli;

import org.krunpack.testing.CliRun.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.krunpack.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The spec and bump commands through the real command line (picocli), on a copy of the project. */
class PackagingCommandsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();



    static Path copyProject(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("rpm"));
        // the project names the release and the refreshed patch in ../shared/fixtures: keep them found
        Files.writeString(dir.resolve("krunpack.yaml"), Files.readString(ROOT.resolve("krunpack.yaml"))
                .replace("../shared/fixtures", org.krunpack.testing.RealFixtures.dir().toString()));
        for (String d : new String[] {"kernel-config", "patches"}) {
            Files.createDirectories(dir.resolve(d));
            try (var s = Files.list(ROOT.resolve(d))) {
                for (Path p : s.toList()) {
                    Files.copy(p, dir.resolve(d).resolve(p.getFileName()));
                }
            }
        }
        try (var s = Files.list(ROOT.resolve("rpm"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, dir.resolve("rpm").resolve(p.getFileName()));
            }
        }
        return dir.resolve("krunpack.yaml");
    }

    @Test
    void specCheckPassesOnTheCheckedInProjectAndFailsAfterAHandEdit(@TempDir Path dir) throws Exception {
        Path project = copyProject(dir);
        assertThat(run("spec", "-c", project.toString(), "--check").exit()).isZero();
        Files.writeString(dir.resolve("rpm/crun.spec"), "hand edit\n", java.nio.file.StandardOpenOption.APPEND);
        Run r = run("spec", "-c", project.toString(), "--check", "--format", "json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("\"drift\" : [ \"crun.spec\" ]").contains("./krunpack spec");
        assertThat(run("spec", "-c", project.toString()).exit()).isZero();
        assertThat(run("spec", "-c", project.toString(), "--check").exit()).isZero();
    }

    @Test
    void specOutWritesIntoTheGivenFolderOnlyAndLeavesRpmAlone(@TempDir Path dir) throws Exception {
        Path project = copyProject(dir);
        // a hand edit in rpm/ that a scratch generation must not overwrite
        Path spec = dir.resolve("rpm/libkrunfw.spec");
        Files.writeString(spec, "hand edit\n", java.nio.file.StandardOpenOption.APPEND);
        String before = Files.readString(spec);
        java.util.Map<Path, Long> stamps = new java.util.HashMap<>();
        try (var s = Files.list(dir.resolve("rpm"))) {
            for (Path p : s.toList()) {
                stamps.put(p, Files.getLastModifiedTime(p).toMillis());
            }
        }
        Path scratch = dir.resolve("scratch");
        Run r = run("spec", "-c", project.toString(), "--out", scratch.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(scratch.resolve("libkrunfw.spec")).exists();
        assertThat(scratch.resolve("crun.sources")).exists();
        assertThat(Files.readString(spec)).isEqualTo(before);
        try (var s = Files.list(dir.resolve("rpm"))) {
            assertThat(s.toList()).containsExactlyInAnyOrderElementsOf(stamps.keySet());
        }
        for (var e : stamps.entrySet()) {
            assertThat(Files.getLastModifiedTime(e.getKey()).toMillis()).as(e.getKey().toString()).isEqualTo(e.getValue());
        }
        // --check with --out checks the scratch folder (up to date), not rpm/ (hand-edited)
        assertThat(run("spec", "-c", project.toString(), "--out", scratch.toString(), "--check").exit()).isZero();
        assertThat(run("spec", "-c", project.toString(), "--check").exit()).isEqualTo(1);
        // without --out, rpm/ is written
        assertThat(run("spec", "-c", project.toString()).exit()).isZero();
        assertThat(Files.readString(spec)).isEqualTo(Files.readString(scratch.resolve("libkrunfw.spec")));
    }

    @Test
    void specImportKeepsTheHistoryInTheModelAndRegeneratesTheSpecs(@TempDir Path dir) throws Exception {
        Path project = copyProject(dir);
        Path fixture = Path.of("src/test/resources/specs/import/libkrunfw-dist-git.spec").toAbsolutePath();
        Run r = run("spec", "import", "-c", project.toString(), "--profile", "dist-git", fixture.toString(),
                "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("12 changelog entries, 2 patches, 1 build conditions, 4 verbatim lines imported");
        assertThat(Files.readString(dir.resolve("rpm/packaging.yaml"))).contains("evr: \"4.10.0-1\"",
                "file: \"libkrunfw-reproducible-bundle.patch\"", "slot: \"prep\"");
        assertThat(Files.readString(dir.resolve("rpm/libkrunfw.spec"))).contains("Patch1:         libkrunfw-strip-override.patch",
                "* Tue Jul 01 2025 John Maintainer <john@example.org> - 4.10.0-1");
        assertThat(run("spec", "-c", project.toString(), "--profile", "dist-git", "--check").exit()).isZero();
        // not a spec of the model: exit 2 naming the Name
        Path other = dir.resolve("other.spec");
        Files.writeString(other, "Name: foo\nVersion: 1\n");
        Run bad = run("spec", "import", "-c", project.toString(), other.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("Name 'foo' is not a package");
    }

    @Test
    void ejectWritesTheTemplates(@TempDir Path dir) {
        Run r = run("spec", "--eject", dir.resolve("t").toString());
        assertThat(r.exit()).isZero();
        assertThat(dir.resolve("t/strict/libkrunfw.spec.ftl")).exists();
        assertThat(dir.resolve("t/dist-git/crun.spec.ftl")).exists();
    }

    @Test
    void bumpOfLibkrunfwRecordsTheProjectFilesVersionAndKernel(@TempDir Path dir) throws Exception {
        Path project = copyProject(dir);
        // the project file is the one source of libkrunfw's version and kernel: a bump to another
        // version than it names is refused, naming both
        Run refused = run("bump", "-c", project.toString(), "libkrunfw", "5.6.0", "--date", "2026-12-01",
                "--packager", "Jane Packager <jane@example.org>");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("'5.6.0' disagrees with krunpack.yaml libkrunfw.version '5.5.0'");
        Files.writeString(project, Files.readString(project).replace("version: \"5.5.0\"        # FULL_VERSION",
                "version: \"5.6.0\"        # FULL_VERSION").replace("version: \"6.12.117\"", "version: \"6.12.95\""));
        Run r = run("bump", "-c", project.toString(), "libkrunfw", "5.6.0",
                "--date", "2026-12-01", "--packager", "Jane Packager <jane@example.org>", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(dir.resolve("rpm/libkrunfw.spec"))).contains("Version:        5.6.0",
                "%global kernel linux-6.12.95", "* Tue Dec 01 2026 Jane Packager <jane@example.org> - 5.6.0-1",
                "- Update to 5.6.0 which bundles a 6.12.95 kernel",
                "- Bundle a 6.12.117 kernel"); // the history is kept
        assertThat(Files.readString(dir.resolve("rpm/libkrunfw.sources"))).contains("# FIXME SHA512 (linux-6.12.95.tar.xz)");
        // the model still does not state what the project file states
        assertThat(Files.readString(dir.resolve("rpm/packaging.yaml"))).doesNotContain("version: \"5.6.0\"", "kernel: \"6.12.95\"");
        assertThat(run("spec", "-c", project.toString(), "--check").exit()).isZero();
    }

    @Test
    void aModelVersionDisagreeingWithTheProjectFileExitsTwoNamingBothFields(@TempDir Path dir) throws Exception {
        Path project = copyProject(dir);
        Path model = dir.resolve("rpm/packaging.yaml");
        Files.writeString(model, Files.readString(model).replace("  libkrunfw:\n", "  libkrunfw:\n    version: \"5.4.0\"\n"
                + "    kernel: \"6.12.91\"\n"));
        Run r = run("spec", "-c", project.toString(), "--out", dir.resolve("scratch").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("packages.libkrunfw.version: '5.4.0' disagrees with krunpack.yaml libkrunfw.version"
                + " '5.5.0'", "packages.libkrunfw.kernel: '6.12.91' disagrees with krunpack.yaml kernel.version '6.12.117'");
        assertThat(dir.resolve("scratch")).doesNotExist();
        // stating the same values is allowed (they agree)
        Files.writeString(model, Files.readString(model).replace("5.4.0", "5.5.0").replace("\"6.12.91\"", "\"6.12.117\""));
        assertThat(run("spec", "-c", project.toString(), "--check").exit()).isZero();
    }

    @Test
    void bumpWithABadVersionExitsTwoAndChangesNothing(@TempDir Path dir) throws Exception {
        Path project = copyProject(dir);
        String before = Files.readString(dir.resolve("rpm/packaging.yaml"));
        Run r = run("bump", "-c", project.toString(), "libkrun", "1.20 beta", "--date", "2026-12-01");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("' ' (space)");
        assertThat(Files.readString(dir.resolve("rpm/packaging.yaml"))).isEqualTo(before);
    }
}
