package org.krunpack.specgen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of libkrunfw's build recipe. Upstream's Makefile reuses an existing patched kernel tree
 * ({@code linux-X.Y.Z/}) and generated {@code kernel.c}: building the SEV (or TDX) variant right after
 * the generic one links the generic kernel into {@code libkrunfw-sev.so}. Every variant build must
 * therefore come after a removal of both, in every profile.
 */
class LibkrunfwRecipeTest {
    static List<String> section(String spec, String name) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : spec.lines().toList()) {
            if (l.matches("%(prep|build|install|check|files|changelog)\\b.*")) {
                in = l.equals(name);
                continue;
            }
            if (in) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void everyVariantBuildStartsFromACleanKernelTreeInEveryProfile() {
        for (Profile profile : Profile.values()) {
            String spec = new SpecGenerator(null).render(TestModels.checkedIn().get("libkrunfw"), profile, "m");
            List<String> build = section(spec, "%build");
            int generic = -1;
            int firstMake = -1;
            int variants = 0;
            int lastClean = -1;
            int lastMake = -1;
            for (int i = 0; i < build.size(); i++) {
                String l = build.get(i);
                if (l.startsWith("rm -rf %{kernel} ") && l.contains(" kernel.c")) {
                    lastClean = i;
                }
                if (l.startsWith("%make_build") && !l.contains("-C utils")) {
                    if (l.contains("SEV=1") || l.contains("TDX=1")) {
                        assertThat(lastClean).as(profile + ": '" + l + "' must follow a removal of the previous"
                                + " variant's kernel tree and kernel.c").isGreaterThan(lastMake);
                        variants++;
                    } else {
                        generic = i;
                    }
                    firstMake = firstMake < 0 ? i : firstMake;
                    assertThat(l).as(profile + ": builds the project's kernel").contains("KERNEL_VERSION=%{kernel}");
                    lastMake = i;
                }
            }
            assertThat(generic).as(profile + ": the generic build comes first").isEqualTo(firstMake).isLessThan(lastMake);
            assertThat(variants).as(profile + ": variant builds").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theSevSubpackageShipsKrunfwMeasurementInEveryProfile() {
        for (Profile profile : Profile.values()) {
            String spec = new SpecGenerator(null).render(TestModels.checkedIn().get("libkrunfw"), profile, "m");
            assertThat(String.join("\n", section(spec, "%build"))).contains("utils");
            assertThat(String.join("\n", section(spec, "%install")))
                    .contains("utils/krunfw_measurement \\\n  %{buildroot}%{_bindir}/krunfw_measurement");
            assertThat(section(spec, "%files sev")).contains("%{_bindir}/krunfw_measurement");
            assertThat(section(spec, "%files")).doesNotContain("%{_bindir}/krunfw_measurement");
        }
    }

    @Test
    void aReplacedReleasePatchIsASourcePutInPlaceBeforeTheBuild() {
        for (Profile profile : Profile.values()) {
            String spec = new SpecGenerator(null).render(TestModels.checkedIn().get("libkrunfw"), profile, "m");
            assertThat(spec).containsPattern("(?m)^Source2: +0008-virtio-vsock-support-dgrams\\.patch$");
            assertThat(section(spec, "%prep")).contains("cp -p %{SOURCE2} patches/0008-virtio-vsock-support-dgrams.patch");
        }
    }

    private static final String SHA = "ab".repeat(64);

    /** The checked-in libkrunfw with one patch of our own and the given kernel configuration. */
    static PackageModel withInputs(PackageModel.ConfigSource config) {
        PackageModel p = TestModels.checkedIn().get("libkrunfw");
        return p.withProjectFacts(p.version(), p.kernel(), p.abi(), p.releasePatches(), new PackageModel.ProjectInputs(
                List.of(new PackageModel.OwnPatch("0001-our-fix.patch", SHA, "a fix of ours (Upstream-Status: Pending)")),
                config));
    }

    @Test
    void ourPatchesAndFragmentsAreSourcesAndTheBuildResolvesTheFragmentsAsThePipelineDoes() {
        PackageModel p = withInputs(new PackageModel.ConfigSource("x86_64", "", true, "krunpack-x86_64.config", "",
                List.of("kernel-config/10-base.config", "kernel-config/30-x86_64.config")));
        for (Profile profile : Profile.values()) {
            String spec = new SpecGenerator(null).render(p, profile, "m");
            assertThat(spec).containsPattern("(?m)^Source3: +0001-our-fix\\.patch$")
                    .containsPattern("(?m)^Source4: +krunpack-x86_64\\.config$")
                    .contains("kernel-config/10-base.config, kernel-config/30-x86_64.config");
            String prep = String.join("\n", section(spec, "%prep"));
            // after the release's decisions, sorted after the release's own patches
            assertThat(prep).contains("cp -p %{SOURCE3} \\\n  patches/0901-0001-our-fix.patch");
            assertThat(prep.indexOf("patches/0901-")).isGreaterThan(prep.indexOf("cp -p %{SOURCE2} patches/0008"));
            List<String> build = section(spec, "%build");
            int prepare = build.indexOf("%{__make} KERNEL_VERSION=%{kernel} %{kernel}");
            int resolve = build.indexOf("%{__make} -C %{kernel} KCONFIG_ALLCONFIG=%{SOURCE4} allnoconfig");
            int make = build.indexOf("%make_build KERNEL_VERSION=%{kernel}");
            assertThat(prepare).as(profile + ": upstream's recipe prepares the tree first").isNotNegative();
            assertThat(resolve).as(profile + ": then Kconfig resolves the fragments").isGreaterThan(prepare);
            assertThat(make).as(profile + ": then the build").isGreaterThan(resolve);
            assertThat(build.get(prepare - 5)).isEqualTo("%ifarch x86_64");
            assertThat(String.join("\n", build)).doesNotContain("SEV=1 %{kernel}");
            assertThat(SpecRules.check(spec)).as(profile + ": house rules").isEmpty();
        }
    }

    @Test
    void aFullConfigIsCopiedOverTheReleasesConfigOfItsVariant() {
        PackageModel p = withInputs(new PackageModel.ConfigSource("x86_64", "sev", false, "krunpack-sev-x86_64.config",
                SHA, List.of("my-sev.config")));
        for (Profile profile : Profile.values()) {
            String spec = new SpecGenerator(null).render(p, profile, "m");
            assertThat(section(spec, "%prep")).contains("cp -p %{SOURCE4} config-libkrunfw-sev_x86_64");
            assertThat(String.join("\n", section(spec, "%build"))).doesNotContain("allnoconfig");
        }
    }

    @Test
    void fragmentsForTheSevVariantAreResolvedAfterTheCleanBeforeTheSevBuild() {
        PackageModel p = withInputs(new PackageModel.ConfigSource("x86_64", "sev", true, "krunpack-sev-x86_64.config",
                "", List.of("sev.config")));
        for (Profile profile : Profile.values()) {
            List<String> build = section(new SpecGenerator(null).render(p, profile, "m"), "%build");
            int clean = build.indexOf("rm -rf %{kernel} kernel.c qboot.c initrd.c");
            int prepare = build.indexOf("%{__make} KERNEL_VERSION=%{kernel} SEV=1 %{kernel}");
            int resolve = build.indexOf("%{__make} -C %{kernel} KCONFIG_ALLCONFIG=%{SOURCE4} allnoconfig");
            int sev = build.indexOf("%make_build KERNEL_VERSION=%{kernel} SEV=1");
            assertThat(clean).as(profile.id()).isNotNegative();
            assertThat(prepare).as(profile.id()).isGreaterThan(clean);
            assertThat(resolve).as(profile.id()).isGreaterThan(prepare);
            assertThat(sev).as(profile.id()).isGreaterThan(resolve);
            assertThat(build.indexOf("%{__make} KERNEL_VERSION=%{kernel} %{kernel}")).as(profile
                    + ": the generic build keeps the release's config").isNegative();
        }
    }
}
