package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;
import org.krunpack.project.Arch;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;
import org.krunpack.testing.RealFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arch layers (kernel-config/30-&lt;arch&gt;.config) and how projects pick them: one layer for
 * every arch krunpack builds, named by the CI layer, and the example project files
 * (docs/examples/, the reproducible foreign-arch runs) each naming the layer of their own arch.
 * Fast: reads files only (the Kconfig resolution of a foreign layer is KernelConfigToolsTest's).
 */
class ArchLayersTest {
    private static final Path ROOT = RealFixtures.repoRoot();
    private static final Path KC = ROOT.resolve("kernel-config");
    private static final Pattern LAYER = Pattern.compile("30-([a-z0-9_]+)\\.config");

    @Test
    void everyArchHasItsLayerAndTheCiLayerNamesIt() throws IOException {
        String ciHeader = Files.readString(KC.resolve("ci/10-ci-base.config"));
        for (Arch a : Arch.values()) {
            Path layer = KC.resolve("30-" + a.rpmName() + ".config");
            assertThat(layer).as("the %s layer", a.rpmName()).isRegularFile();
            assertThat(Fragment.read(layer, layer.getFileName().toString()).entries()).isNotEmpty();
            assertThat(ciHeader).as("ci/10-ci-base.config names the %s layer", a.rpmName())
                    .contains("30-" + a.rpmName() + ".config");
        }
    }

    @Test
    void theRiscv64LayerAsksForWhatAnAllnoconfigRiscvGuestLacksAndNothingOfAnotherArch() {
        Map<String, String> rv = values(KC.resolve("30-riscv64.config"));
        // allnoconfig turns FPU off: the guest's lp64d glibc programs would die on their first FP instruction
        assertThat(rv).containsEntry("FPU", "y").containsEntry("NR_CPUS", "16").containsEntry("HZ_100", "y")
                .containsEntry("PCI", "n").containsEntry("RANDOMIZE_BASE", "n");
        // libkrun's (and QEMU 7.2's) device tree gives only "riscv,isa": without the fallback 6.12
        // rejects every hart and BUG()s in setup_smp (found by the TCG boot printing nothing)
        assertThat(rv).containsEntry("RISCV_ISA_FALLBACK", "y");
        // MMU and EFI are selected by PORTABLE: asking for EFI=n fails the config step ("forced on by select")
        assertThat(rv).doesNotContainKeys("EFI", "MMU");
        for (String other : List.of("30-x86_64.config", "30-aarch64.config")) {
            Map<String, String> o = values(KC.resolve(other));
            List<String> archOnly = o.keySet().stream()
                    .filter(s -> s.startsWith("ARM64") || s.startsWith("X86") || List.of("PVH", "KVM_GUEST",
                            "HYPERVISOR_GUEST", "PHYSICAL_START").contains(s))
                    .toList();
            assertThat(rv).as("symbols of %s", other).doesNotContainKeys(archOnly.toArray(String[]::new));
        }
    }

    @Test
    void theExampleProjectsLoadAndEachNamesTheLayerOfItsOwnArch() throws IOException {
        List<Path> examples;
        try (Stream<Path> s = Files.list(ROOT.resolve("docs/examples"))) {
            examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString())
                .contains("riscv64-ci.yaml", "aarch64-ci.yaml", "aarch64-release.yaml", "sev-release.yaml",
                        "tdx-release.yaml");
        List<String> wrong = new ArrayList<>();
        for (Path e : examples) {
            Project p = ProjectLoader.load(e);
            for (Path f : p.config().fragments()) {
                Matcher m = LAYER.matcher(f.getFileName().toString());
                if (m.matches() && !m.group(1).equals(p.arch().rpmName())) {
                    wrong.add(e.getFileName() + " (arch " + p.arch().rpmName() + ") names " + f.getFileName());
                }
            }
        }
        assertThat(wrong).as("arch layers of another arch").isEmpty();

        Project rv = ProjectLoader.load(ROOT.resolve("docs/examples/riscv64-ci.yaml"));
        assertThat(rv.arch()).isEqualTo(Arch.RISCV64);
        assertThat(rv.config().strict()).isTrue();
        assertThat(rv.config().fragments()).containsExactly(KC.resolve("ci/10-ci-base.config"),
                KC.resolve("30-riscv64.config"));

        Project release = ProjectLoader.load(ROOT.resolve("docs/examples/aarch64-release.yaml"));
        assertThat(release.arch()).isEqualTo(Arch.AARCH64);
        assertThat(release.config().fromRelease()).isTrue();
        assertThat(release.patches().fromRelease()).isTrue();

        // the release's SEV config, with each difference 6.12 makes accepted by name and reason
        Project sev = ProjectLoader.load(ROOT.resolve("docs/examples/sev-release.yaml"));
        assertThat(sev.variant()).isEqualTo(org.krunpack.project.Variant.SEV);
        assertThat(sev.config().fromRelease()).isTrue();
        assertThat(sev.config().exempt()).containsKeys("MEMCG_KMEM", "BASE_SMALL", "EROFS_FS")
                .allSatisfy((k, v) -> assertThat(v).isNotBlank());
        // the TDX one was refreshed for 6.12: one accepted difference
        Project tdx = ProjectLoader.load(ROOT.resolve("docs/examples/tdx-release.yaml"));
        assertThat(tdx.variant()).isEqualTo(org.krunpack.project.Variant.TDX);
        assertThat(tdx.config().exempt()).containsOnlyKeys("EROFS_FS");
    }

    /** The fragment's symbols (without CONFIG_) and values, "n" for "is not set". */
    private static Map<String, String> values(Path fragment) {
        Map<String, String> m = new LinkedHashMap<>();
        for (ConfigEntry e : Fragment.read(fragment, fragment.getFileName().toString()).entries()) {
            m.put(e.symbol(), e.value());
        }
        return m;
    }
}
