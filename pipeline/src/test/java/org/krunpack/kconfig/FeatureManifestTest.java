package org.krunpack.kconfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FeatureManifestTest {
    static final Path KERNEL_CONFIG = Path.of("../kernel-config");

    static List<Fragment> layers() {
        return List.of(
                Fragment.read(KERNEL_CONFIG.resolve("10-base.config"), "10-base.config"),
                Fragment.read(KERNEL_CONFIG.resolve("20-containers.config"), "20-containers.config"),
                Fragment.read(KERNEL_CONFIG.resolve("30-x86_64.config"), "30-x86_64.config"));
    }

    @Test
    void our_manifest_loads_and_every_option_is_requested_by_our_layers() {
        FeatureManifest m = FeatureManifest.load(KERNEL_CONFIG.resolve("features.yaml"));
        assertThat(m.features()).extracting(FeatureManifest.Feature::name)
                .contains("virtio-console", "virtio-blk", "virtiofs", "dax", "ext4", "namespaces", "seccomp");
        FeatureManifest.Feature blk = m.feature("virtio-blk");
        assertThat(blk.options()).containsExactly("VIRTIO_BLK");
        assertThat(blk.probe()).isEqualTo(new FeatureManifest.Probe("virtio", "2"));
        assertThat(m.warningsAgainst(layers())).isEmpty();
    }

    @Test
    void features_enabled_in_a_config_are_those_with_every_option_on() {
        FeatureManifest m = FeatureManifest.load(KERNEL_CONFIG.resolve("features.yaml"));
        Map<String, String> ci = Map.of("VIRTIO_CONSOLE", "y", "VIRTIO_BLK", "y", "EXT4_FS", "y", "TMPFS", "y",
                "DEVTMPFS", "y", "FUSE_FS", "y");
        assertThat(m.enabledIn(ci)).extracting(FeatureManifest.Feature::name)
                .containsExactly("virtio-console", "virtio-blk", "ext4", "tmpfs", "devtmpfs");
    }

    @Test
    void unknown_options_are_warnings_naming_the_feature() {
        FeatureManifest m = new FeatureManifest(Path.of("f.yaml"), List.of(
                new FeatureManifest.Feature("blk", List.of("VIRTIO_BLK", "VIRTIO_BLKK"),
                        new FeatureManifest.Probe("virtio", "2")),
                new FeatureManifest.Feature("pci", List.of("PCI"), new FeatureManifest.Probe("file", "/sys/bus/pci"))));
        assertThat(m.warningsAgainst(layers())).containsExactly(
                "f.yaml: features.blk: CONFIG_VIRTIO_BLKK is not set by any fragment (typo, or left to Kconfig's defaults?)",
                "f.yaml: features.pci: CONFIG_PCI is turned off at 30-x86_64.config:23");
    }

    @Test
    void structural_problems_are_all_reported_with_their_path(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("features.yaml");
        Files.writeString(f, """
                features:
                  Bad Name: {options: [A], probe: {kind: file, value: /x}}
                  a: {options: [], probe: {kind: file, value: /x}}
                  b: {options: [CONFIG_B, b-c], probe: {kind: telepathy, value: ""}}
                  c: {options: [C], probes: {}}
                """);
        KrunpackException e = catchThrowableOfType(() -> FeatureManifest.load(f), KrunpackException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems()).containsExactly(
                "features.'Bad Name': feature names are lower-case letters, digits, '-', '_' and '.' (line 2)",
                "features.a.options: required: a non-empty list of symbols (without CONFIG_) (line 3)",
                "features.b.options[0]: 'CONFIG_B': write the symbol without CONFIG_ (line 4)",
                "features.b.options[1]: 'b-c' is not a Kconfig symbol name (line 4)",
                "features.b.probe.kind: 'telepathy' is not one of cgroup2, file, filesystem, namespaces, seccomp,"
                        + " socket, tsi-hijack, virtio, virtio-driver (line 4)",
                "features.b.probe.value: required: what the probe looks for (line 4)",
                "features.c.probe: required: {kind: <cgroup2|file|filesystem|namespaces|seccomp|socket|tsi-hijack|virtio"
                        + "|virtio-driver>, value: ...} (line 5)",
                "features.c.probes: unknown key; did you mean 'probe'? (known: options, probe) (line 5)");
    }
}
