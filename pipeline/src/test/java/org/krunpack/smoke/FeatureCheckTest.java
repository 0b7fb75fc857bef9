package org.krunpack.smoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureCheckTest {
    @TempDir
    Path tmp;

    static final String MANIFEST = """
            features:
              virtio-console: {options: [VIRTIO_CONSOLE], probe: {kind: virtio, value: "3"}}
              virtio-rng: {options: [HW_RANDOM_VIRTIO], probe: {kind: virtio-driver, value: virtio_rng}}
              ext4: {options: [EXT4_FS], probe: {kind: filesystem, value: ext4}}
              overlay: {options: [OVERLAY_FS], probe: {kind: filesystem, value: overlay}}
              dax: {options: [FS_DAX, FUSE_DAX], probe: {kind: file, value: /sys/bus/dax}}
              namespaces: {options: [NAMESPACES, USER_NS], probe: {kind: namespaces, value: "uts user time"}}
              vsock-socket: {options: [VSOCKETS], probe: {kind: socket, value: vsock}}
              cg: {options: [CGROUPS], probe: {kind: cgroup2, value: "yes"}}
              sc: {options: [SECCOMP], probe: {kind: seccomp, value: "yes"}}
            """;

    static final GuestReport GUEST = GuestReport.parse(List.of(
            "KRUNPACK-SMOKE-START",
            "KRUNPACK-REPORT virtio.virtio0=3 virtio_console",
            "KRUNPACK-REPORT virtio_drivers=virtio_console,virtio_rng",
            "KRUNPACK-REPORT filesystems=ext4,tmpfs",
            "KRUNPACK-REPORT file./sys/bus/dax=no",
            "KRUNPACK-REPORT ns.uts=ok", "KRUNPACK-REPORT ns.user=ok", "KRUNPACK-REPORT ns.time=EINVAL",
            "KRUNPACK-REPORT vsock=EAFNOSUPPORT",
            "KRUNPACK-REPORT cgroup2=mounted",
            "KRUNPACK-REPORT seccomp.prctl=ok",
            "KRUNPACK-SMOKE-END"));

    List<SmokeFeatures.Feature> manifest() throws Exception {
        Path f = tmp.resolve("features.yaml");
        Files.writeString(f, MANIFEST);
        return SmokeFeatures.load(f);
    }

    @Test
    void withoutAConfigEveryFeatureIsExpected() throws Exception {
        var checks = FeatureCheck.check(manifest(), null, GUEST);
        assertThat(checks).allMatch(FeatureCheck::expected);
        assertThat(checks.stream().filter(FeatureCheck::failed).map(c -> c.feature().name()))
                .containsExactly("overlay", "dax", "namespaces", "vsock-socket");
        FeatureCheck ns = checks.stream().filter(c -> c.feature().name().equals("namespaces")).findFirst().orElseThrow();
        assertThat(ns.describe()).isEqualTo("namespaces (CONFIG_NAMESPACES, CONFIG_USER_NS): unshare failed: time: EINVAL");
        FeatureCheck overlay = checks.stream().filter(c -> c.feature().name().equals("overlay")).findFirst().orElseThrow();
        assertThat(overlay.describe()).isEqualTo("overlay (CONFIG_OVERLAY_FS): overlay not in /proc/filesystems");
    }

    @Test
    void onlyFeaturesWhoseOptionsAreAllSetAreExpected() throws Exception {
        Path config = tmp.resolve("config");
        Files.writeString(config, """
                CONFIG_VIRTIO_CONSOLE=y
                CONFIG_HW_RANDOM_VIRTIO=m
                CONFIG_EXT4_FS=y
                # CONFIG_OVERLAY_FS is not set
                CONFIG_FS_DAX=y
                CONFIG_FUSE_DAX=n
                CONFIG_NAMESPACES=y
                CONFIG_USER_NS=y
                CONFIG_CGROUPS=y
                CONFIG_SECCOMP=y
                """);
        Map<String, String> set = SmokeFeatures.readConfig(config);
        assertThat(set).containsEntry("HW_RANDOM_VIRTIO", "m").doesNotContainKeys("OVERLAY_FS", "FUSE_DAX");
        var checks = FeatureCheck.check(manifest(), set, GUEST);
        assertThat(checks.stream().filter(c -> !c.expected()).map(c -> c.feature().name()))
                .containsExactly("overlay", "dax", "vsock-socket");
        // the config claims namespaces (and the time namespace the probe lists): caught, with its options
        assertThat(checks.stream().filter(FeatureCheck::failed).map(FeatureCheck::describe))
                .containsExactly("namespaces (CONFIG_NAMESPACES, CONFIG_USER_NS): unshare failed: time: EINVAL");
    }

    @Test
    void anUnprobedFileCountsAsMissing() throws Exception {
        var checks = FeatureCheck.check(List.of(new SmokeFeatures.Feature("x", List.of("X"), "file", "/nope")), null, GUEST);
        assertThat(checks.get(0).failed()).isTrue();
        assertThat(checks.get(0).detail()).isEqualTo("/nope was not probed");
    }

    @Test
    void invalidManifestListsEveryProblem() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, """
                features:
                  a: {options: [], probe: {kind: virtio, value: console}}
                  b: {options: [X], probe: {kind: sonar, value: x}}
                  c: {options: [Y], probe: {kind: file, value: relative/path}}
                """);
        assertThatThrownBy(() -> SmokeFeatures.load(f)).isInstanceOfSatisfying(KrunpackException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.problems()).hasSize(4);
            assertThat(e.getMessage()).contains("features.a.options").contains("features.a.probe.value")
                    .contains("features.b.probe.kind").contains("features.c.probe.value");
        });
    }

    @Test
    void theProjectManifestLoadsAndListsFileProbes() {
        var features = SmokeFeatures.load(Path.of("../kernel-config/features.yaml"));
        assertThat(features).extracting(SmokeFeatures.Feature::name).contains("virtio-console", "namespaces", "seccomp");
        assertThat(SmokeFeatures.probeFiles(features)).contains("/sys/bus/dax", "/proc/sys/kernel/seccomp/actions_avail");
    }
}
