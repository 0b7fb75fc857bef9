package org.krunpack.copr;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.krunpack.cli.Main;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.Tools;
import org.krunpack.testing.SourceMirror;
import org.krunpack.testing.StandInCrates;
import org.krunpack.testing.UpstreamFixtures;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPR's make_srpm, run here the way COPR runs it, with the real krunpack, on the three real
 * specs: a copy of the repository (COPR clones it), then from its {@code rpm/} folder
 * {@code make -f <clone>/.copr/Makefile srpm outdir=DIR spec=<clone>/rpm/PACKAGE.spec}. The network
 * is stood in by {@link SourceMirror} serving the shared fixtures (the real upstream releases)
 * under their upstream URLs, crates.io by {@link StandInCrates}; the rest is real: make, the
 * Makefile, krunpack's fetch (HTTP), cargo vendor, the SHA-512 checks, rpmbuild.
 *
 * <p>The fixtures are fixed releases: libkrunfw 5.5.0, libkrun 1.18.1, crun 1.21 (its release
 * tarball, .tar.gz), and the kernel tarball krunpack.yaml names linux-6.12.117.tar.xz (Debian's).
 * Where the checked-in model names other versions, the copy is first brought to the fixtures the way
 * a maintainer would: {@code krunpack bump} (recording the files' SHA-512), the kernel and crun's
 * tarball suffix edited in the model, then {@code krunpack spec}; every such change is printed.
 */
@Tag("tools")
class CoprMakeSrpmTest {
    static final Path ROOT = UpstreamFixtures.ROOT;
    static final Path DEBIAN_KERNEL = Path.of("/usr/src/linux-source-6.12.tar.xz");
    static final String KERNEL = "6.12.117";
    /** Fixture releases: package → version. */
    static final Map<String, String> RELEASES = Map.of("libkrunfw", "5.5.0", "libkrun", "1.18.1", "crun", "1.21");

    static Path scratch;
    static Path clone;
    static Path net;
    static Path cargoHome;
    static Path launcher;
    static SourceMirror mirror;
    static final List<String> aligned = new ArrayList<>();

    @BeforeAll
    static void cloneAndAlign() throws Exception {
        assertThat(DEBIAN_KERNEL).as("Debian's kernel tarball (apt-get install linux-source-6.12, see"
                + " scripts/setup-deps) stands for " + KERNEL + " as krunpack.yaml says").exists();
        scratch = Files.createTempDirectory("krunpack-make-srpm-");
        clone = scratch.resolve("clone");
        copyRepository(clone);
        // krunpack.yaml names files of the shared fixtures as ../shared/fixtures/..., next to the clone
        Files.createSymbolicLink(scratch.resolve("shared"), UpstreamFixtures.dir().getParent());
        // the network's files, under their upstream names
        net = Files.createDirectories(scratch.resolve("net"));
        Files.createSymbolicLink(net.resolve("libkrunfw-5.5.0.tar.gz"),
                UpstreamFixtures.file("libkrunfw/libkrunfw-5.5.0.tar.gz"));
        Files.createSymbolicLink(net.resolve("libkrun-1.18.1.tar.gz"),
                UpstreamFixtures.file("libkrun/libkrun-1.18.1.tar.gz"));
        // Debian's orig tarball is crun's own release tarball, renamed
        Files.createSymbolicLink(net.resolve("crun-1.21.tar.gz"), UpstreamFixtures.file("crun/crun_1.21.orig.tar.gz"));
        Files.createSymbolicLink(net.resolve("linux-" + KERNEL + ".tar.xz"), DEBIAN_KERNEL);
        mirror = new SourceMirror()
                .serve("https://github.com/libkrun/libkrunfw/archive/v5.5.0/libkrunfw-5.5.0.tar.gz",
                        net.resolve("libkrunfw-5.5.0.tar.gz"))
                .serve("https://github.com/libkrun/libkrun/archive/v1.18.1/libkrun-1.18.1.tar.gz",
                        net.resolve("libkrun-1.18.1.tar.gz"))
                .serve("https://github.com/containers/libkrun/archive/v1.18.1/libkrun-1.18.1.tar.gz",
                        net.resolve("libkrun-1.18.1.tar.gz"))
                .serve("https://github.com/containers/crun/releases/download/1.21/crun-1.21.tar.gz",
                        net.resolve("crun-1.21.tar.gz"))
                .serve("https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-" + KERNEL + ".tar.xz",
                        net.resolve("linux-" + KERNEL + ".tar.xz"));
        cargoHome = StandInCrates.cargoHome(UpstreamFixtures.file("libkrun/libkrun-1.18.1.tar.gz"),
                scratch.resolve("crates"));
        launcher = scratch.resolve("krunpack");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + cp + "' org.krunpack.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        align();
        System.out.println("CoprMakeSrpmTest: the copy's model was brought to the fixture releases:"
                + (aligned.isEmpty() ? " nothing to change" : "\n  " + String.join("\n  ", aligned)));
    }

    @AfterAll
    static void cleanUp() {
        if (mirror != null) {
            mirror.close();
        }
        if (scratch != null) {
            AtomicFiles.deleteTree(scratch);
        }
    }

    static void copyRepository(Path to) throws IOException {
        Tools.Result files = Tools.run(List.of("git", "ls-files", "-co", "--exclude-standard", "-z"), ROOT, null);
        assertThat(files.exitCode()).as(files.stderr()).isZero();
        for (String f : files.stdout().split("\0")) {
            if (f.isEmpty() || !Files.isRegularFile(ROOT.resolve(f))) {
                continue;
            }
            Path target = to.resolve(f);
            Files.createDirectories(target.getParent());
            Files.copy(ROOT.resolve(f), target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Brings the copy's model to the fixture releases (only where it differs), then regenerates the specs. */
    static void align() throws IOException {
        Path model = clone.resolve("rpm/packaging.yaml");
        String yaml = Files.readString(model);
        String kernel = field(yaml, "libkrunfw", "kernel");
        if (!KERNEL.equals(kernel)) {
            yaml = setField(yaml, "libkrunfw", "kernel", KERNEL);
            aligned.add("libkrunfw kernel " + kernel + " -> " + KERNEL + " (krunpack.yaml's kernel)");
        }
        String block = block(yaml, "crun");
        if (block.contains(".tar.zst\"")) {
            yaml = yaml.replace(block, block.replace(".tar.zst\"", ".tar.gz\""));
            aligned.add("crun Source0 .tar.zst -> .tar.gz (the release tarball the fixture is)");
        }
        Files.writeString(model, yaml);
        for (String pkg : List.of("libkrun", "crun")) {
            String version = field(Files.readString(model), pkg, "version");
            if (!RELEASES.get(pkg).equals(version)) {
                cli("bump", pkg, RELEASES.get(pkg), "--source-dir", net.toString(), "--date", "2026-11-25",
                        "--packager", "krunpack tests <tests@example.org>");
                aligned.add(pkg + " " + version + " -> " + RELEASES.get(pkg) + " (krunpack bump, SHA-512 recorded)");
            }
        }
        cli("spec");
    }

    static void cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-c", clone.resolve("krunpack.yaml").toString(), "--out", scratch.resolve("out").toString()));
        CommandLine cl = Main.commandLine();
        StringWriter o = new StringWriter();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(o, true));
        int code = cl.execute(all.toArray(String[]::new));
        assertThat(code).as("krunpack " + String.join(" ", args) + ":\n" + o).isZero();
    }

    static String block(String yaml, String pkg) {
        Matcher m = Pattern.compile("(?ms)^  " + pkg + ":\\n.*?(?=^  \\S|\\z)").matcher(yaml);
        assertThat(m.find()).as("package " + pkg + " in the model").isTrue();
        return m.group();
    }

    static String field(String yaml, String pkg, String key) {
        Matcher m = Pattern.compile("(?m)^    " + key + ": \"([^\"]*)\"").matcher(block(yaml, pkg));
        return m.find() ? m.group(1) : null;
    }

    static String setField(String yaml, String pkg, String key, String value) {
        String b = block(yaml, pkg);
        return yaml.replace(b, b.replaceFirst("(?m)^    " + key + ": \"[^\"]*\"", "    " + key + ": \"" + value + "\""));
    }

    /** The Source file names the generated spec names (rpmspec, the way rpmbuild will read it). */
    static List<String> sources(Path spec) {
        Tools.Result r = Tools.run(List.of("rpmspec", "--load", clone.resolve("rpm/macros.krunpack-autospec").toString(),
                "-P", spec.toString()), null, null);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^Source\\d*:\\s*(\\S+)").matcher(r.stdout());
        while (m.find()) {
            out.add(m.group(1).substring(m.group(1).lastIndexOf('/') + 1));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"libkrunfw", "libkrun", "crun"})
    void makeSrpmAsCoprRunsIt(String pkg) throws IOException {
        Path spec = clone.resolve("rpm/" + pkg + ".spec");
        Path outdir = scratch.resolve("result-" + pkg);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KRUNPACK_SOURCE_MIRROR", mirror.url());
        env.put("CARGO_HOME", cargoHome.toString());
        long t0 = System.nanoTime();
        Tools.Result r = Tools.run(List.of("make", "-f", clone.resolve(".copr/Makefile").toString(), "srpm",
                "outdir=" + outdir, "spec=" + spec, "KRUNPACK=" + launcher), clone.resolve("rpm"), env);
        System.out.println("CoprMakeSrpmTest: make srpm " + pkg + " took " + (System.nanoTime() - t0) / 1_000_000
                + " ms");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        List<Path> srpms;
        try (Stream<Path> s = Files.list(outdir)) {
            srpms = s.filter(p -> p.toString().endsWith(".src.rpm")).toList();
        }
        assertThat(srpms).hasSize(1);
        String version = RELEASES.get(pkg);
        assertThat(srpms.get(0).getFileName().toString()).startsWith(pkg + "-" + version + "-");
        Tools.Result files = Tools.run(List.of("rpm", "-qpl", "--nosignature", srpms.get(0).toString()), null, null);
        List<String> expected = sources(spec);
        assertThat(expected).isNotEmpty();
        assertThat(files.stdout().lines().toList()).contains(pkg + ".spec").containsAll(expected);
        assertThat(r.stdout()).contains("SRPM ready: " + srpms.get(0));
        Path fetched = clone.resolve("out/rpm-sources");
        for (String f : expected) {
            if (Files.exists(net.resolve(f))) {
                assertThat(Digests.sha512(fetched.resolve(f))).as(f + " as the network served it")
                        .isEqualTo(Digests.sha512(net.resolve(f)));
            }
        }
        if (pkg.equals("libkrun")) {
            assertThat(expected).contains("libkrun-1.18.1-vendor.tar.xz");
            assertThat(r.stdout()).contains("libkrun-1.18.1-vendor.tar.xz: made with cargo vendor (183 crates)",
                    "libkrun-1.18.1.tar.gz: downloaded from " + mirror.url());
        }
    }

    /** Packit's SRPM path as .packit.yaml (krunpack copr packit) sets it up, run from the repository root. */
    @org.junit.jupiter.api.Test
    void packitsActionsMakeTheSourcesAndRpmbuildTakesThemFromTheSpecFolder() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KRUNPACK_SOURCE_MIRROR", mirror.url());
        env.put("CARGO_HOME", cargoHome.toString());
        Tools.Result version = Tools.run(List.of(launcher.toString(), "rpm-sources", "--spec", "rpm/libkrun.spec",
                "--print", "version"), clone, env);
        assertThat(version.exitCode()).as(version.stderr()).isZero();
        assertThat(version.stdout()).isEqualTo("1.18.1\n");
        Tools.Result archive = Tools.run(List.of(launcher.toString(), "rpm-sources", "--spec", "rpm/libkrun.spec",
                "--source-dir", "rpm", "--fetch", "--print", "source0"), clone, env);
        assertThat(archive.exitCode()).as(archive.stderr()).isZero();
        List<String> lines = archive.stdout().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(clone.resolve(lines.get(0))).isEqualTo(clone.resolve("rpm/libkrun-1.18.1.tar.gz"));
        assertThat(archive.stderr()).contains("libkrun-1.18.1-vendor.tar.xz: made with cargo vendor (183 crates)");
        Path srpms = scratch.resolve("packit-srpm");
        Tools.Result rpmbuild = Tools.run(List.of("rpmbuild", "-bs", "--load",
                clone.resolve("rpm/macros.krunpack-autospec").toString(), "--define", "_sourcedir " + clone.resolve("rpm"),
                "--define", "_srcrpmdir " + srpms, "--define", "_topdir " + scratch.resolve("packit-top"),
                clone.resolve("rpm/libkrun.spec").toString()), clone, null);
        assertThat(rpmbuild.exitCode()).as(rpmbuild.stdout() + rpmbuild.stderr()).isZero();
        assertThat(rpmbuild.stdout()).contains("libkrun-1.18.1-");
    }
}
