package org.krunpack.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.krunpack.core.Tools;
import org.krunpack.review.BundleContractCheck;
import org.krunpack.review.Review;
import org.krunpack.review.ReviewReport;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SpecGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated strict libkrunfw spec built for real with {@code rpmbuild -bb}: the sources are the
 * STAND-IN release we write ({@link StandInRelease}, not upstream's tarball, which is not at hand
 * offline) and Debian's 6.12.117 kernel tarball repacked as linux-6.12.117.tar.xz. {@code --nodeps}
 * because Fedora's BuildRequires (python3-pyelftools, ...) are not Debian package names and our
 * Makefile does not need them; {@code --without sev} because the stand-in builds only the generic
 * variant. Takes a whole (small: the x86_64 arch layer on allnoconfig) kernel build.
 *
 * <p>The RPMs stay in {@code tool/target/libkrunfw-rpm/} for the review checks.
 */
@Tag("kernel")
class LibkrunfwBinaryRpmTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DEBIAN_KERNEL = Path.of("/usr/src/linux-source-6.12.tar.xz");
    static final long SDE = 1735689600L;

    @Test
    void rpmbuildBinaryOfGeneratedLibkrunfwSpec() throws Exception {
        Path work = ROOT.resolve("tool/target/libkrunfw-rpm");
        org.krunpack.core.AtomicFiles.deleteTree(work);
        Path sources = Files.createDirectories(work.resolve("sources"));
        PackageModel pkg = Fixtures.checkedInWithoutReleasePatches().get("libkrunfw");
        Path spec = work.resolve("libkrunfw.spec");
        Files.writeString(spec, new SpecGenerator(null).render(pkg, Profile.STRICT, "rpm/packaging.yaml"));
        Path macros = work.resolve(SpecGenerator.AUTOSPEC_MACROS);
        Files.writeString(macros, SpecGenerator.autospecMacros());

        long t0 = System.nanoTime();
        // The kernel only has to be a real x86_64 PVH vmlinux for the bundle and the review: the arch
        // layer alone (allnoconfig + PVH) is the smallest such build; booting is other tests' work.
        StandInRelease.write(sources, pkg.version(), pkg.abi(), pkg.kernel(), DEBIAN_KERNEL,
                StandInRelease.configFromFragments(List.of(ROOT.resolve("kernel-config/30-x86_64.config"))), SDE);
        long t1 = System.nanoTime();
        List<Path> rpms = Rpmbuild.binaryRpms(spec, work.resolve("RPMS"),
                new Rpmbuild.Options(sources, SDE, macros, List.of("--nodeps", "--without", "sev")),
                work.resolve("rpmbuild.log"));
        long t2 = System.nanoTime();
        System.out.printf("stand-in sources: %.1f s, rpmbuild -bb: %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);

        assertThat(rpms).extracting(p -> p.getFileName().toString())
                .contains("libkrunfw-5.5.0-2.x86_64.rpm", "libkrunfw-devel-5.5.0-2.x86_64.rpm");
        Path rpm = work.resolve("RPMS/libkrunfw-5.5.0-2.x86_64.rpm");
        String list = Tools.check(List.of("rpm", "-qlp", "--dump", rpm.toString()), null, null).stdout();
        assertThat(list).contains("/usr/lib64/libkrunfw.so.5.5.0", "/usr/lib64/libkrunfw.so.5 ")
                .containsPattern("/licenses/libkrunfw[^/]*/LICENSE-GPL-2.0-only ");
        Path x = Files.createDirectories(work.resolve("extracted"));
        Tools.check(List.of("bash", "-c", "rpm2cpio " + rpm + " | cpio -idm --quiet"), x, null);
        Path lib = x.resolve("usr/lib64/libkrunfw.so.5.5.0");
        String dyn = Tools.check(List.of("readelf", "-dW", lib.toString()), null, null).stdout();
        assertThat(dyn).contains("Library soname: [libkrunfw.so.5]");
        String syms = Tools.check(List.of("nm", "-D", "--defined-only", lib.toString()), null, null).stdout();
        assertThat(syms).contains(" T krunfw_get_kernel", " T krunfw_get_version", " D KERNEL_BUNDLE");

        // Issue 5's acceptance: the SRPM and the binary RPMs krunpack builds pass every MUST check,
        // including the one-kernel exemption and the bundle contract through verify-lib.
        List<Path> srpms = Rpmbuild.sourceRpm(spec, work.resolve("SRPMS"),
                new Rpmbuild.Options(sources, SDE, macros, List.of("--nodeps")));
        List<Path> reviewed = new java.util.ArrayList<>(rpms);
        reviewed.addAll(srpms);
        ReviewReport report = Review.run(reviewed, Review.Options.defaults(BundleContractCheck.verifyLib(org.krunpack.core.Sandbox.forInputs(false))));
        Files.writeString(work.resolve("review.txt"), report.render());
        assertThat(report.mustFailures()).as("MUST failures; full report in %s", work.resolve("review.txt"))
                .isEmpty();
        assertThat(report.exemptionVerdict()).hasValueSatisfying(v -> assertThat(v).contains("The one-kernel exemption holds"));
    }
}
