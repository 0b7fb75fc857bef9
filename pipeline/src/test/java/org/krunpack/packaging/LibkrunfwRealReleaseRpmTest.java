package org.krunpack.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;
import org.krunpack.kconfig.Fragment;
import org.krunpack.project.PackagingConfig;
import org.krunpack.project.ProjectLoader;
import org.krunpack.review.BundleContractCheck;
import org.krunpack.review.Review;
import org.krunpack.review.ReviewReport;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.testing.CliRun;
import org.krunpack.testing.RealFixtures;
import org.krunpack.testing.TeeBlobReader;
import org.krunpack.verify.LibraryKernel;
import org.krunpack.project.Variant;
import org.krunpack.release.LibkrunfwRelease;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated strict libkrunfw spec built with {@code rpmbuild -bb --without sev} from the REAL
 * upstream 5.5.0 release (../shared/fixtures), Debian's 6.12.117 kernel tarball repacked under the
 * name the spec expects ({@code linux-6.12.117.tar.xz}), the refreshed 0008 and our own series as
 * Sources: the RPM builds the kernel the pipeline built.
 *
 * <p>In CI ({@code kernel}): a project with the small CI config ({@code kernel-config/ci/} + the
 * x86_64 layer + the release layer), whose merged fragments become the spec's config Source. The
 * test runs the pipeline's config step on the same project and checks that the kernel
 * configuration inside rpmbuild's tree is the one the pipeline resolved, and that our patch is in
 * that tree; then the package review of the SRPM and the RPMs (every MUST check, the one-kernel
 * exemption, the bundle contract through verify-lib).
 *
 * <p>Outside CI ({@code release-rpm}, {@code KRUNPACK_RELEASE_RPM=1 ./run-tests}): the same with
 * {@code config.fromRelease}, i.e. upstream's full x86_64 config, about 55 minutes here; and
 * {@code --with sev}, which adds the SEV variant's kernel (the release's SEV config).
 *
 * <p>ccache through {@code /usr/lib/ccache} with {@code CCACHE_BASEDIR} at rpmbuild's build
 * directory (fixed, under target/), so the next run hits.
 */
@Tag("kernel")
class LibkrunfwRealReleaseRpmTest {
    static final long SDE = 1735689600L;

    @Test
    void rpmbuildOfTheRealReleaseWithTheProjectsPatchesAndCiConfigBuildsWhatThePipelineResolved() throws Exception {
        Path work = Fixtures.ROOT.resolve("pipeline/target/libkrunfw-real-rpm/ci");
        Path project = writeProject(work, RealFixtures.ciConfigX86_64());
        // the pipeline's own resolution of the same project (sources, tree, patches, config)
        CliRun.Run config = CliRun.run("config", "-c", project.toString(), "--out", work.resolve("out").toString(),
                "--format", "json");
        assertThat(config.exit()).as("krunpack config; stderr:\n%s", config.err()).isZero();
        JsonNode artifacts = config.json().path("artifacts");
        Path pipelineConfig = Path.of(artifacts.path("kernel-config").asText());
        Path pipelineTree = Path.of(artifacts.path("kernel-tree").asText());

        Built b = build(work, project, true, false);
        Path rpmTree = b.buildDir.resolve("libkrunfw-5.5.0/linux-6.12.117");
        try { // the tree is removed when it matches (a run leaves no 2 GB behind), kept when it does not
            Map<String, String> rpmConfig = Fragment.readEffective(rpmTree.resolve(".config"));
            Map<String, String> pipelineResolved = Fragment.readEffective(pipelineConfig);
            // Kconfig records the rustc it finds on the PATH (RUSTC_VERSION, ...): the pipeline ran with
            // the test's PATH (here ~/.cargo/bin has one), rpmbuild with a clean one. Rust code itself
            // is off in both, so those probes change nothing that is built.
            assertThat(rpmConfig.getOrDefault("RUST", "n")).isEqualTo("n");
            assertThat(pipelineResolved.getOrDefault("RUST", "n")).isEqualTo("n");
            Map<String, String> inRpm = withoutRustcProbes(rpmConfig);
            Map<String, String> inPipeline = withoutRustcProbes(pipelineResolved);
            Map<String, String> differ = new java.util.TreeMap<>();
            for (String k : inRpm.keySet()) {
                if (!inRpm.get(k).equals(inPipeline.get(k))) {
                    differ.put(k, inRpm.get(k) + " in rpmbuild's tree, " + inPipeline.get(k) + " in the pipeline's");
                }
            }
            inPipeline.keySet().stream().filter(k -> !inRpm.containsKey(k))
                    .forEach(k -> differ.put(k, "only in the pipeline's: " + inPipeline.get(k)));
            assertThat(differ).as("options in which the kernel configuration rpmbuild built with differs from the"
                    + " pipeline's %s", pipelineConfig).isEmpty();
            assertThat(inRpm).containsEntry("VIRTIO_VSOCKETS", "y");
            assertThat(inRpm.getOrDefault("MODULES", "n")).isEqualTo("n");
            // our series' patch is in rpmbuild's tree as in the pipeline's (a help-text change)
            assertThat(Files.readString(rpmTree.resolve("drivers/virtio/Kconfig")))
                    .isEqualTo(Files.readString(pipelineTree.resolve("drivers/virtio/Kconfig")))
                    .contains("libkrun");
            AtomicFiles.deleteTree(b.buildDir); // the kernel tree and objects (ccache keeps the compiles)
        } catch (AssertionError e) {
            System.err.println("keeping rpmbuild's tree for a look: " + rpmTree);
            throw e;
        }

        // Issue 5's acceptance on the real release: the SRPM and the binary RPMs krunpack builds pass
        // every MUST check, the one-kernel exemption and the bundle contract through verify-lib.
        List<Path> srpms = Rpmbuild.sourceRpm(b.spec, work.resolve("SRPMS"),
                new Rpmbuild.Options(b.sources, SDE, b.macros, List.of("--nodeps")));
        List<Path> reviewed = new ArrayList<>(b.rpms);
        reviewed.addAll(srpms);
        ReviewReport report = Review.run(reviewed, Review.Options.defaults(BundleContractCheck.verifyLib(
                Sandbox.forInputs(false))));
        Files.writeString(work.resolve("review.txt"), report.render());
        assertThat(report.mustFailures()).as("MUST failures; full report in %s", work.resolve("review.txt")).isEmpty();
        assertThat(report.exemptionVerdict()).hasValueSatisfying(v -> assertThat(v)
                .contains("The one-kernel exemption holds"));
    }

    @Test
    @Tag("release-rpm")
    void rpmbuildOfTheRealReleaseWithUpstreamsFullConfig() throws Exception {
        Path work = Fixtures.ROOT.resolve("pipeline/target/libkrunfw-real-rpm/release-config");
        Path project = writeProject(work, """
                config:
                  fromRelease: true
                """);
        Built b = build(work, project, false, false);
        AtomicFiles.deleteTree(b.buildDir);
    }

    /**
     * Issue 10's SEV run outside CI: {@code rpmbuild -bb --with sev}, the generic kernel from the CI
     * config (as in CI) and then the SEV variant from the release's SEV config, its patches-tee and
     * its qboot and initrd. The -sev library's payload is not the generic one (the recipe cleans the
     * tree and kernel.c between variants), it exports the variant's functions, a reader that is not
     * krunpack's code finds the release's firmware and initrd through them, and krunfw_measurement
     * is in libkrunfw-sev.
     */
    @Test
    @Tag("release-rpm")
    void rpmbuildWithSevBuildsAVariantOfItsOwnFromTheRelease() throws Exception {
        Path work = Fixtures.ROOT.resolve("pipeline/target/libkrunfw-real-rpm/sev");
        Path project = writeProject(work, RealFixtures.ciConfigX86_64());
        Built b = build(work, project, true, true);
        assertThat(Files.readString(work.resolve("rpmbuild.log"))).contains("SEV=1");

        Path generic = work.resolve("x/usr/lib64/libkrunfw.so.5.5.0");
        Path sevRoot = unpack(work, "libkrunfw-sev-5.5.0-2.x86_64.rpm", "x-sev");
        Path sev = sevRoot.resolve("usr/lib64/libkrunfw-sev.so.5.5.0");
        assertThat(sevRoot.resolve("usr/bin/krunfw_measurement")).isExecutable();
        assertThat(Tools.check(List.of("readelf", "-dW", sev.toString()), null, null).stdout())
                .contains("Library soname: [libkrunfw-sev.so.5]");
        assertThat(Tools.check(List.of("nm", "-D", "--defined-only", sev.toString()), null, null).stdout())
                .contains(" T krunfw_get_kernel", " T krunfw_get_version", " T krunfw_get_qboot",
                        " T krunfw_get_initrd");
        assertThat(Tools.check(List.of("nm", "-D", "--defined-only", generic.toString()), null, null).stdout())
                .doesNotContain("krunfw_get_qboot", "krunfw_get_initrd");

        Sandbox sandbox = Sandbox.forInputs(false);
        byte[] genericPayload = LibraryKernel.read(generic, sandbox).payload();
        byte[] sevPayload = LibraryKernel.read(sev, sandbox).payload();
        String g = Digests.sha256(genericPayload);
        String v = Digests.sha256(sevPayload);
        System.out.printf("generic payload %,d B sha256 %s; sev payload %,d B sha256 %s%n",
                genericPayload.length, g, sevPayload.length, v);
        assertThat(v).as("the -sev library's kernel vs the generic one's").isNotEqualTo(g);

        LibkrunfwRelease release = LibkrunfwRelease.read(b.buildDir.resolve("libkrunfw-5.5.0"));
        Sandbox.Result read = TeeBlobReader.run(sev, release.qboot(Variant.SEV), release.initrd(Variant.SEV),
                work.resolve("reader"));
        assertThat(read.exitCode()).as("reader: %s %s", read.stdout(), read.stderr()).isZero();
        assertThat(read.stdout()).contains("qboot same " + Files.size(release.qboot(Variant.SEV)),
                "initrd same " + Files.size(release.initrd(Variant.SEV)));
        Files.writeString(work.resolve("sev-result.txt"), "generic payload " + genericPayload.length + " B sha256 " + g
                + "\nsev payload " + sevPayload.length + " B sha256 " + v + "\n" + read.stdout());
        AtomicFiles.deleteTree(b.buildDir);
    }

    /** A project: the real release, Debian's kernel, the refreshed 0008, our series, {@code config}. */
    private static Path writeProject(Path work, String config) throws Exception {
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        Path root = RealFixtures.repoRoot();
        return Files.writeString(work.resolve("krunpack.yaml"), RealFixtures.release550OnDebianKernel()
                + RealFixtures.release550PatchesWithRefreshed0008() + """
                build: {ccache: auto}
                packaging:
                  model: %s/rpm/packaging.yaml
                  specDir: %s
                """.formatted(root, work.resolve("spec")) + config);
    }

    record Built(Path spec, Path sources, Path macros, Path buildDir, List<Path> rpms) {
    }

    /** {@code krunpack spec} for the project, its Sources gathered, {@code rpmbuild -bb --with[out] sev}. */
    private static Built build(Path work, Path project, boolean expectConfigSource, boolean sev) throws Exception {
        PackagingConfig cfg = ProjectPackaging.config(ProjectLoader.load(project));
        Specs.generate(cfg);
        Path spec = cfg.specDir().resolve("libkrunfw.spec");
        String text = Files.readString(spec);
        assertThat(text).contains("patches/0901-0001-virtio-mmio-cmdline-help-lightweight-vmms.patch");
        if (expectConfigSource) {
            assertThat(text).contains("KCONFIG_ALLCONFIG=%{SOURCE4} allnoconfig");
        } else {
            assertThat(text).doesNotContain("allnoconfig");
        }
        // Sources: upstream's tarballs where they are, the project's files, the generated config
        Path sources = Files.createDirectories(Fixtures.ROOT.resolve("pipeline/target/libkrunfw-real-rpm/sources"));
        link(sources.resolve("libkrunfw-5.5.0.tar.gz"), RealFixtures.libkrunfw("5.5.0"));
        for (var e : cfg.localSources().entrySet()) {
            link(sources.resolve(e.getKey()), e.getValue());
        }
        for (String generated : cfg.generatedSources().keySet()) {
            link(sources.resolve(generated), cfg.specDir().resolve(generated));
        }
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(sources.resolve("linux-6.12.117.tar.xz"))) { // kept between runs
            StandInRelease.repackKernel(RealFixtures.debianKernel(), "6.12.117", sources, SDE);
        }
        Path macros = cfg.specDir().resolve(SpecGenerator.AUTOSPEC_MACROS);
        Path buildDir = work.resolve("BUILD");
        long t1 = System.nanoTime();
        // A clean PATH, as in a build root (a developer's PATH may put another python3 first)
        String make = "/usr/bin/env PATH=/usr/lib/ccache:/usr/bin:/bin CCACHE_BASEDIR=" + buildDir + " /usr/bin/make";
        List<Path> rpms = Rpmbuild.binaryRpms(spec, work.resolve("RPMS"), new Rpmbuild.Options(sources, SDE, macros,
                List.of("--nodeps", "--noclean", sev ? "--with" : "--without", "sev", "--define", "__make " + make, "--define",
                        "_builddir " + buildDir)), work.resolve("rpmbuild.log"));
        long t2 = System.nanoTime();
        System.out.printf("kernel repack: %.1f s, rpmbuild -bb: %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);

        List<String> expected = new ArrayList<>(List.of("libkrunfw-5.5.0-2.x86_64.rpm",
                "libkrunfw-devel-5.5.0-2.x86_64.rpm"));
        if (sev) {
            expected.addAll(List.of("libkrunfw-sev-5.5.0-2.x86_64.rpm", "libkrunfw-sev-devel-5.5.0-2.x86_64.rpm"));
        }
        assertThat(rpms).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readString(work.resolve("rpmbuild.log"))).contains("KERNEL_VERSION=linux-6.12.117");
        Path x = unpack(work, "libkrunfw-5.5.0-2.x86_64.rpm", "x");
        Path rpm = work.resolve("RPMS/libkrunfw-5.5.0-2.x86_64.rpm");
        Path lib = x.resolve("usr/lib64/libkrunfw.so.5.5.0");
        assertThat(Tools.check(List.of("readelf", "-dW", lib.toString()), null, null).stdout())
                .contains("Library soname: [libkrunfw.so.5]");
        assertThat(Tools.check(List.of("nm", "-D", "--defined-only", lib.toString()), null, null).stdout())
                .contains(" T krunfw_get_kernel", " T krunfw_get_version");
        // the kernel inside is 6.12.117 (its version banner is in the payload)
        assertThat(Tools.check(List.of("bash", "-c", "strings -n 20 " + lib + " | grep -m1 '^Linux version '"),
                null, null).stdout()).startsWith("Linux version 6.12.117");
        // what upstream's install puts in the buildroot, nothing more (rpmbuild fails on unpackaged files)
        String files = Tools.check(List.of("rpm", "-qlp", rpm.toString()), null, null).stdout();
        assertThat(files.lines().filter(l -> l.startsWith("/usr/lib64/")).toList())
                .containsExactlyInAnyOrder("/usr/lib64/libkrunfw.so.5", "/usr/lib64/libkrunfw.so.5.5.0");
        assertThat(files).containsPattern("/usr/share/licenses/libkrunfw[^\\n]*/LICENSE");
        return new Built(spec, sources, macros, buildDir, rpms);
    }

    /** {@code rpm2cpio | cpio} of one RPM of {@code work/RPMS} into {@code work/into}. */
    private static Path unpack(Path work, String rpm, String into) throws Exception {
        Path x = work.resolve(into);
        AtomicFiles.deleteTree(x);
        Files.createDirectories(x);
        Tools.check(List.of("bash", "-c", "rpm2cpio " + work.resolve("RPMS").resolve(rpm) + " | cpio -idm --quiet"),
                x, null);
        return x;
    }

    private static Map<String, String> withoutRustcProbes(Map<String, String> config) {
        Map<String, String> out = new java.util.TreeMap<>(config);
        out.keySet().removeIf(k -> k.startsWith("RUSTC_") || k.equals("RUST_IS_AVAILABLE"));
        return out;
    }

    private static void link(Path at, Path target) throws Exception {
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, target.toAbsolutePath());
    }
}
