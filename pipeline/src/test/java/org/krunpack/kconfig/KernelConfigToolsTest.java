package org.krunpack.kconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.cli.Main;
import org.krunpack.project.Arch;
import org.krunpack.testing.TestKernelTree;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The config step against Debian's real 6.12 tree, with the tree's own Kconfig (make). */
@Tag("tools")
class KernelConfigToolsTest {
    static final Path KC = Path.of("../kernel-config").toAbsolutePath().normalize();
    static final List<Path> LAYERS = List.of(KC.resolve("10-base.config"), KC.resolve("20-containers.config"),
            KC.resolve("30-x86_64.config"));
    static final List<Path> CI = List.of(KC.resolve("ci/10-ci-base.config"), KC.resolve("30-x86_64.config"));

    @Test
    void our_layers_resolve_cleanly_in_strict_mode(@TempDir Path out) throws Exception {
        TestKernelTree.use(tree -> {
            ConfigReport r = KernelConfig.run(tree, Arch.X86_64, ConfigInput.fragments(LAYERS, true), out);
            assertThat(r.errors()).isEmpty();
            assertThat(r.ok()).isTrue();
            assertThat(r.count(OptionResult.Status.KEPT)).isEqualTo(r.options().size());
            Path dir = out.resolve("config");
            // resolved out of tree: the build directory holds it, the source tree stays clean
            assertThat(dir.resolve("config")).hasSameTextualContentAs(out.resolve("config-build/.config"));
            assertThat(tree.resolve(".config")).doesNotExist();
            assertThat(dir.resolve("config.rejected")).doesNotExist();
            assertThat(Files.readString(dir.resolve("merged.config")))
                    .isEqualTo(Files.readString(Path.of("src/test/resources/golden/kconfig/layers-merged.config")));
            assertThat(Files.readString(dir.resolve("report.txt"))).startsWith("krunpack config report\nresult: ok\n");
            JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            assertThat(json.get("ok").asBoolean()).isTrue();
            assertThat(json.get("kernelVersion").asText()).startsWith("6.12.");
            assertThat(r.artifacts()).extracting(a -> a.role())
                    .containsExactly("kernel-config", "merged-config", "config-report", "config-report-json",
                            "config-make-log");
        });
    }

    @Test
    void the_ci_layer_resolves_cleanly_and_keeps_what_the_smoke_boot_needs(@TempDir Path out) throws Exception {
        TestKernelTree.use(tree -> {
            ConfigReport r = KernelConfig.run(tree, Arch.X86_64, ConfigInput.fragments(CI, true), out);
            assertThat(r.errors()).isEmpty();
            Map<String, String> eff = Fragment.readEffective(out.resolve("config/config"));
            assertThat(eff).containsEntry("PVH", "y").containsEntry("VIRTIO_MMIO_CMDLINE_DEVICES", "y")
                    .containsEntry("HVC_DRIVER", "y").containsEntry("EXT4_FS", "y");
            assertThat(eff.getOrDefault("NET", "n")).isEqualTo("n");
            assertThat(eff.getOrDefault("PCI", "n")).isEqualTo("n");
            FeatureManifest m = FeatureManifest.load(KC.resolve("features.yaml"));
            assertThat(m.enabledIn(eff)).extracting(FeatureManifest.Feature::name)
                    .contains("virtio-console", "virtio-blk", "ext4", "tmpfs", "devtmpfs")
                    .doesNotContain("namespaces", "virtiofs");

            // full-config mode on the result: nothing new, nothing changed
            Path full = out.resolve("ci-full.config");
            Files.copy(out.resolve("config/config"), full);
            ConfigReport again = KernelConfig.run(tree, Arch.X86_64, ConfigInput.full(full), out.resolve("again"));
            assertThat(again.errors()).isEmpty();
            assertThat(again.mode()).isEqualTo("full");

            // a full config missing a symbol with a prompt (as a config made for an older kernel misses
            // the newer kernel's symbols): listed with the value it took, not an error
            List<String> lines = new ArrayList<>(Files.readAllLines(full));
            lines.removeIf(l -> l.equals("CONFIG_VIRTIO_BLK=y"));
            Files.write(full, lines);
            ConfigReport missing = KernelConfig.run(tree, Arch.X86_64, ConfigInput.full(full), out.resolve("missing"));
            assertThat(missing.ok()).isTrue();
            assertThat(missing.newSymbols()).contains("CONFIG_VIRTIO_BLK=n");
            assertThat(missing.text()).contains("New symbols of this kernel, with the value they took (1):\n"
                    + "  CONFIG_VIRTIO_BLK=n");
        });
    }

    /**
     * The riscv64 arch layer over the CI layer, resolved by ARCH=riscv's Kconfig with the cross
     * compiler (what the pipeline's config step passes; Kconfig probes it): every option kept in
     * strict mode, and what a guest on QEMU's virt machine or libkrun needs is on, though the
     * fragments do not name it (selected by the arch).
     */
    @Test
    void the_ci_layer_with_the_riscv64_layer_resolves_under_arch_riscv_with_the_cross_compiler(@TempDir Path out)
            throws Exception {
        org.krunpack.kbuild.Toolchain tc = org.krunpack.kbuild.Toolchain.find(Arch.RISCV64, null, "off");
        List<Path> fragments = List.of(KC.resolve("ci/10-ci-base.config"), KC.resolve("30-riscv64.config"));
        TestKernelTree.use(tree -> {
            ConfigReport r = KernelConfig.run(new KernelConfig.Request(tree, out.resolve("config-build"), Arch.RISCV64,
                    tc.makeArgs(), ConfigInput.fragments(fragments, true), out.resolve("config"), Map.of(), null));
            assertThat(r.errors()).isEmpty();
            assertThat(r.count(OptionResult.Status.KEPT)).isEqualTo(r.options().size());
            Map<String, String> eff = Fragment.readEffective(out.resolve("config/config"));
            assertThat(eff).containsEntry("64BIT", "y").containsEntry("MMU", "y").containsEntry("FPU", "y")
                    .containsEntry("RISCV_SBI", "y").containsEntry("RISCV_TIMER", "y")
                    .containsEntry("SIFIVE_PLIC", "y").containsEntry("RISCV_APLIC", "y").containsEntry("RISCV_IMSIC", "y")
                    .containsEntry("VIRTIO_MMIO", "y").containsEntry("HVC_DRIVER", "y").containsEntry("NR_CPUS", "16")
                    .containsEntry("RISCV_ISA_FALLBACK", "y");
            assertThat(eff.get("CC_VERSION_TEXT")).as("Kconfig probed the cross compiler").contains("riscv64-linux-gnu-gcc");
            FeatureManifest m = FeatureManifest.load(KC.resolve("features.yaml"));
            assertThat(m.enabledIn(eff)).extracting(FeatureManifest.Feature::name)
                    .contains("virtio-console", "virtio-blk", "ext4", "tmpfs", "devtmpfs");
        });
    }

    /** Acceptance: an option whose dependency is off fails, naming the option and the dependency. */
    @Test
    void a_dropped_option_fails_naming_the_unmet_dependency_and_a_missing_symbol(@TempDir Path out) throws Exception {
        Path extra = out.resolve("extra.config");
        Files.writeString(extra, """
                # why: MSI needs PCI, which 30-x86_64.config turns off
                CONFIG_PCI_MSI=y
                # why: a symbol no kernel has
                CONFIG_KRUNPACK_NO_SUCH_SYMBOL=y
                # krunpack-exempt: 6.12 removed it; kept for older trees
                CONFIG_KRUNPACK_ALSO_MISSING=y
                """);
        Path project = out.resolve("krunpack.yaml");
        Files.writeString(project, """
                libkrunfw: {version: "5.5.0", abi: 5}
                kernel: {version: "6.12.117"}
                arch: x86_64
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {path: /usr/src/linux-source-6.12.tar.xz, sha512: "%s"}
                config:
                  fragments: [%s, %s, %s]
                """.formatted("0".repeat(128), CI.get(0), CI.get(1), extra));
        TestKernelTree.use(tree -> {
            StringWriter stdout = new StringWriter();
            StringWriter stderr = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(stdout));
            cl.setErr(new PrintWriter(stderr));
            int rc = cl.execute("config", "-c", project.toString(), "--tree", tree.toString(),
                    "--out", out.resolve("out").toString(), "--format", "json");
            assertThat(rc).as(stderr.toString()).isEqualTo(1);
            JsonNode doc = new ObjectMapper().readTree(stdout.toString());
            assertThat(doc.get("result").asText()).isEqualTo("failed");
            List<String> errors = new ArrayList<>();
            doc.get("steps").get(0).get("details").get("errors").forEach(e -> errors.add(e.asText()));
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0)).startsWith("CONFIG_PCI_MSI=y (extra.config:2): dropped: unmet dependency:")
                    .contains("inside if PCI (drivers/pci/Kconfig:").contains("is not met: PCI=n");
            assertThat(errors.get(1)).startsWith("CONFIG_KRUNPACK_NO_SUCH_SYMBOL=y (extra.config:4): dropped:"
                    + " the symbol KRUNPACK_NO_SUCH_SYMBOL does not exist in this kernel tree");
            assertThat(doc.get("steps").get(0).get("summary").toString())
                    .contains("exempt: CONFIG_KRUNPACK_ALSO_MISSING=y (extra.config:6): dropped");
            Path dir = out.resolve("out/config");
            assertThat(dir.resolve("config")).doesNotExist();
            assertThat(dir.resolve("config.rejected")).exists();
            assertThat(doc.get("artifacts").get("kernel-config-rejected").asText())
                    .isEqualTo(dir.resolve("config.rejected").toAbsolutePath().normalize().toString());
        });
    }
}
