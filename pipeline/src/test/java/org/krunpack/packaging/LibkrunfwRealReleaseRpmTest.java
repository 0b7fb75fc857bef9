package org.krunpack.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Tools;
import org.krunpack.project.PackagingConfig;
import org.krunpack.project.ProjectLoader;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.testing.RealFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in project's strict libkrunfw spec built with {@code rpmbuild -bb --without sev} from
 * the REAL upstream 5.5.0 release (../shared/fixtures), Debian's 6.12.117 kernel tarball repacked
 * under the name the spec expects ({@code linux-6.12.117.tar.xz}) and the refreshed patch 0008 as
 * the spec's {@code Source2}: the RPM builds what the pipeline built. The kernel is upstream's
 * x86_64 config on 6.12.117, a full build: not in CI's time budget, so {@code ./run-tests} leaves the
 * {@code release-rpm} tag out, saying so, unless {@code KRUNPACK_RELEASE_RPM=1} (see docs/benchmarks.md). ccache
 * through {@code /usr/lib/ccache} with {@code CCACHE_BASEDIR} above rpmbuild's per-run build
 * directory, so a second run can hit. Sources are symlinked into {@code pipeline/target/libkrunfw-real-rpm/sources}
 * (the repacked kernel is kept there between runs).
 */
@Tag("kernel")
@Tag("release-rpm")
class LibkrunfwRealReleaseRpmTest {
    static final long SDE = 1735689600L;

    @Test
    void rpmbuildOfTheRealReleaseWithTheProjectsKernelAndReplacement() throws Exception {
        PackagingConfig cfg = PackagingConfig.from(ProjectLoader.load(Fixtures.ROOT.resolve("krunpack.yaml")));
        PackagingModel model = Specs.readModel(cfg);
        var pkg = model.get("libkrunfw");
        Path work = Fixtures.ROOT.resolve("pipeline/target/libkrunfw-real-rpm");
        Path sources = Files.createDirectories(work.resolve("sources"));
        AtomicFiles.deleteTree(work.resolve("RPMS"));
        link(sources.resolve("libkrunfw-5.5.0.tar.gz"), RealFixtures.libkrunfw("5.5.0"));
        link(sources.resolve("0008-virtio-vsock-support-dgrams.patch"), RealFixtures.refreshed0008());
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(sources.resolve("linux-" + pkg.kernel() + ".tar.xz"))) {
            StandInRelease.repackKernel(RealFixtures.debianKernel(), pkg.kernel(), sources, SDE);
        }
        Map<String, String> generated = Specs.render(cfg, model);
        Path spec = work.resolve("libkrunfw.spec");
        Files.writeString(spec, generated.get("libkrunfw.spec"));
        Path macros = work.resolve(SpecGenerator.AUTOSPEC_MACROS);
        Files.writeString(macros, SpecGenerator.autospecMacros());
        long t1 = System.nanoTime();
        // rpmbuild -bb builds in a fresh directory under RPMS/ each run: the base covers it
        String make = "/usr/bin/env PATH=/usr/lib/ccache:/usr/bin:/bin CCACHE_BASEDIR=" + work.resolve("RPMS")
                + " /usr/bin/make";
        List<Path> rpms = Rpmbuild.binaryRpms(spec, work.resolve("RPMS"), new Rpmbuild.Options(sources, SDE, macros,
                List.of("--nodeps", "--without", "sev", "--define", "__make " + make)), work.resolve("rpmbuild.log"));
        long t2 = System.nanoTime();
        System.out.printf("kernel repack: %.1f s, rpmbuild -bb: %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);

        assertThat(rpms).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("libkrunfw-5.5.0-2.x86_64.rpm", "libkrunfw-devel-5.5.0-2.x86_64.rpm");
        String log = Files.readString(work.resolve("rpmbuild.log"));
        // the replacement was applied (upstream's patch loop prints every file it patches)
        assertThat(log).contains("KERNEL_VERSION=linux-6.12.117");
        Path x = Files.createDirectories(work.resolve("x"));
        AtomicFiles.deleteTree(x);
        Files.createDirectories(x);
        Tools.check(List.of("bash", "-c", "rpm2cpio " + work.resolve("RPMS/libkrunfw-5.5.0-2.x86_64.rpm")
                + " | cpio -idm --quiet"), x, null);
        Path lib = x.resolve("usr/lib64/libkrunfw.so.5.5.0");
        assertThat(Tools.check(List.of("readelf", "-dW", lib.toString()), null, null).stdout())
                .contains("Library soname: [libkrunfw.so.5]");
        // the kernel inside is 6.12.117 (its version banner is in the payload)
        assertThat(Tools.check(List.of("bash", "-c", "strings -n 20 " + lib + " | grep -m1 '^Linux version '"),
                null, null).stdout()).startsWith("Linux version 6.12.117");
        String files = Tools.check(List.of("rpm", "-qlp", work.resolve("RPMS/libkrunfw-5.5.0-2.x86_64.rpm").toString()),
                null, null).stdout();
        assertThat(files.lines().filter(l -> l.startsWith("/usr/lib64/")).toList())
                .containsExactlyInAnyOrder("/usr/lib64/libkrunfw.so.5", "/usr/lib64/libkrunfw.so.5.5.0");
    }

    private static void link(Path at, Path target) throws Exception {
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, target.toAbsolutePath());
    }
}
