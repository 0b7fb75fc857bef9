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
}
