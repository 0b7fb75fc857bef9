package org.krunpack.review;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.krunpack.core.Sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GOOD libkrunfw fixture passes every check; each mutant (one edit of the spec or the library)
 * fails exactly the check it targets. Built with the real rpmbuild, reviewed with the real rpmlint and
 * the real verify-lib (its dlopen in the sandbox).
 */
@Tag("tools")
class ReviewFixturesTest {
    /** The real verify-lib, its dlopen calls in the sandbox. */
    static final BundleContractCheck VERIFY_LIB = BundleContractCheck.verifyLib(Sandbox.forInputs(false));

    static Path root;

    @BeforeAll
    static void tmp(@TempDir Path dir) {
        root = dir;
    }

    static ReviewReport review(Fixtures.Built b) {
        return Review.run(b.all(), Review.Options.defaults(VERIFY_LIB));
    }

    @Test
    void goodFixturePassesEveryCheck() throws IOException {
        Fixtures.Built b = Fixtures.buildLibkrunfw(root.resolve("good"), s -> s);
        ReviewReport r = review(b);
        assertThat(r.failedIds()).as(r.render()).isEmpty();
        assertThat(r.ok()).isTrue();
        // rpmlint really ran on each of the 4 files (spec, SRPM, 2 RPMs)
        assertThat(r.findings()).filteredOn(f -> f.check() == Rule.RPMLINT)
                .extracting(Finding::verdict).containsExactly(Verdict.PASS, Verdict.PASS, Verdict.PASS, Verdict.PASS);
        assertThat(r.findings()).filteredOn(f -> f.check() == Rule.BUNDLE_CONTRACT && f.verdict() == Verdict.PASS)
                .hasSize(1);
        assertThat(r.exemptionVerdict()).get().asString().startsWith("The one-kernel exemption holds");
        assertThat(r.render()).contains("MUST items:", "SHOULD items:", "[x]: krun.no-boot-files",
                "[-]: rust.crate-licenses");
    }

    static Stream<Arguments> mutants() {
        return Stream.of(
                mutant("krun.no-boot-files", "/boot/vmlinuz-x",
                        s -> s.replace("#EXTRA-INSTALL", "mkdir -p %{buildroot}/boot\necho x > %{buildroot}/boot/vmlinuz-x")
                                .replace("#EXTRA-FILES", "/boot/vmlinuz-x")),
                mutant("krun.no-kernel-modules", "a .ko",
                        s -> s.replace("#EXTRA-INSTALL", "mkdir -p %{buildroot}%{_libdir}/krunfw\n"
                                        + "echo x > %{buildroot}%{_libdir}/krunfw/virtio_x.ko")
                                .replace("#EXTRA-FILES", "%{_libdir}/krunfw")),
                mutant("krun.not-bootable", "a bzImage-looking file in %{_libdir}",
                        s -> s.replace("#EXTRA-INSTALL", "head -c 514 /dev/zero > %{buildroot}%{_libdir}/krunfw.img\n"
                                        + "printf 'HdrS' >> %{buildroot}%{_libdir}/krunfw.img\n"
                                        + "head -c 1024 /dev/zero >> %{buildroot}%{_libdir}/krunfw.img")
                                .replace("#EXTRA-FILES", "%{_libdir}/krunfw.img")),
                mutant("generic.conditional-sources", "a conditional Source1",
                        s -> s.replace("Source1:        https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-%{kver}.tar.xz",
                                "%if %{undefined rhel}\nSource1:        https://cdn.kernel.org/pub/linux/kernel/v6.x/"
                                        + "linux-%{kver}.tar.xz\n%endif")),
                mutant("generic.license-files", "no %license",
                        s -> s.replace("%license LICENSE\n", "")),
                mutant("c.no-ldconfig", "an ldconfig scriptlet",
                        s -> s.replace("%files\n", "%post -p /sbin/ldconfig\n\n%files\n")),
                mutant("c.soname-explicit", "a libkrunfw.so.* glob",
                        s -> s.replace("%{_libdir}/libkrunfw.so.5{,.*}", "%{_libdir}/libkrunfw.so.*")),
                mutant("generic.global-not-define", "%define",
                        s -> s.replace("%global kver", "%define kver")),
                mutant("c.devel-isa-requires", "-devel without %{?_isa}",
                        s -> s.replace("Requires:       %{name}%{?_isa} =", "Requires:       %{name} =")),
                mutant("krun.no-kernel-provides", "a kernel Provides",
                        s -> s.replace("ExclusiveArch:  x86_64", "ExclusiveArch:  x86_64\nProvides:       kernel-krun = %{kver}")),
                mutant("krun.exemption-comment", "no exemption comment",
                        s -> s.replace("# Fedora allows one kernel package. This kernel can't be used for booting a\n"
                                + "# physical machine and, bundled in a dynamic library, it can not be mistaken\n"
                                + "# for a regular kernel: the one-kernel exemption granted to libkrunfw.\n", "")),
                mutant("c.buildrequires-gcc", "C without BuildRequires: gcc",
                        s -> s.replace("BuildRequires:  gcc\n", "")),
                mutant("generic.exclusivearch-comment", "ExclusiveArch without a reason",
                        s -> s.replace("# libkrun, the only consumer, supports these architectures only.\n", "")),
                mutant("krun.shared-object", "a library without the bundle's functions",
                        s -> s.replace("-o libkrunfw.so.%{version} lib.c", "-o libkrunfw.so.%{version} lib.c"
                                + " -Dkrunfw_get_kernel=other_name")));
    }

    private static Arguments mutant(String id, String what, UnaryOperator<String> edit) {
        return Arguments.of(id, what, edit);
    }

    @ParameterizedTest(name = "{1} fails exactly {0}")
    @MethodSource("mutants")
    void mutantFailsExactlyItsCheck(String id, String what, UnaryOperator<String> edit) throws IOException {
        String spec = edit.apply(Fixtures.GOOD_SPEC);
        assertThat(spec).as("the mutation applies").isNotEqualTo(Fixtures.GOOD_SPEC);
        Fixtures.Built b = Fixtures.buildLibkrunfw(root.resolve(id), edit);
        ReviewReport r = review(b);
        // The real verify-lib checks exports too: a library without krunfw_get_kernel breaks the contract.
        Set<String> expected = id.equals("krun.shared-object") ? Set.of(id, "krun.bundle-contract") : Set.of(id);
        assertThat(r.failedIds()).as(r.render()).isEqualTo(expected);
        assertThat(r.findings()).filteredOn(f -> f.id().equals(id) && f.verdict() == Verdict.FAIL)
                .allSatisfy(f -> assertThat(f.evidence()).isNotEmpty());
        Level level = java.util.Arrays.stream(Rule.values()).filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow().level();
        assertThat(r.ok()).as("a failing MUST fails the review").isEqualTo(level != Level.MUST);
    }

    @Test
    void bundleAlignedTo4KiBFailsExactlyTheBundleContract() throws IOException {
        Fixtures.Built b = Fixtures.buildLibkrunfw(root.resolve("align4k"), s -> s.replace("-DALIGN=65536", "-DALIGN=4096"),
                l -> l, Map.of());
        ReviewReport r = review(b);
        assertThat(r.failedIds()).as(r.render()).isEqualTo(Set.of("krun.bundle-contract"));
        assertThat(r.exemptionVerdict()).get().asString().contains("does NOT hold").contains("krun.bundle-contract");
    }

    @Test
    void withoutVerifyLibTheBundleContractIsNotEvaluated() throws IOException {
        Fixtures.Built b = Fixtures.buildLibkrunfw(root.resolve("noverify"), s -> s);
        ReviewReport r = Review.run(b.rpms(), Review.Options.defaults(null));
        assertThat(r.findings()).filteredOn(f -> f.check() == Rule.BUNDLE_CONTRACT)
                .extracting(Finding::verdict).contains(Verdict.NOT_EVALUATED).doesNotContain(Verdict.PASS);
    }

    @Test
    void withoutRpmlintItIsNotEvaluatedNeverPassed() throws IOException {
        Fixtures.Built b = Fixtures.buildLibkrunfw(root.resolve("nolint"), s -> s);
        ReviewReport r = Review.run(List.of(b.srpm()), new Review.Options(new Rpmlint(Optional.empty()), null, true));
        assertThat(r.findings()).filteredOn(f -> f.check() == Rule.RPMLINT)
                .extracting(Finding::verdict).containsOnly(Verdict.NOT_EVALUATED);
        assertThat(r.render()).contains("[?]: generic.rpmlint");
    }
}
