package org.krunpack.smoke;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The QEMU backend with a stand-in {@code qemu} (a script given the real command line): what the
 * report says for a good run, a panic, a hang and a QEMU that fails to start. Needs gcc and mke2fs
 * (the root is built for real).
 */
@Tag("tools")
class FakeQemuTest {
    @TempDir
    Path tmp;

    final String token = "krunpack-fake-qemu-" + UUID.randomUUID();

    KernelBundle bundle() {
        byte[] payload = PvhNoteTest.payloadWith(65536, 0x400, PvhNoteTest.note("Xen", 18, 0x1000080, 4));
        return new KernelBundle(tmp.resolve("libkrunfw.so.5.5.0"), 0x1000000, 0x1000200, payload, 0x7f0000010000L, 5,
                List.of());
    }

    Smoke.Host host(String body) throws Exception {
        Path q = tmp.resolve("qemu-system-x86_64");
        Files.writeString(q, "#!/bin/sh\n# " + token + "\n" + body + "\n");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Smoke.Host(tmp.resolve("no-sys-module"), tmp.resolve("no-kvm"), tmp.resolve("no-vsock"), q.toString());
    }

    SmokeResult run(Smoke.Host host, Duration timeout, List<SmokeFeatures.Feature> features) {
        return run(host, timeout, features, null);
    }

    SmokeResult run(Smoke.Host host, Duration timeout, List<SmokeFeatures.Feature> features,
                    Map<String, String> config) {
        Accelerator accel = Accelerator.choose(Accelerator.Mode.auto, host.sysModule(), host.devKvm());
        Smoke.Options o = new Smoke.Options(bundle().library(), Accelerator.Mode.auto, timeout, null, null,
                tmp.resolve("work"), null, false);
        return Smoke.qemu(o, host, accel, bundle(), features, config, s -> { });
    }

    @AfterEach
    void noProcessLeft() {
        assertThat(ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(token)).orElse(false)).count()).isZero();
    }

    @Test
    void aCompleteReportPassesAndNamesTheAccelerator() throws Exception {
        Smoke.Host host = host("""
                for a in "$@"; do echo "$a"; done > "$(dirname "$0")/args"
                echo '[ 0.9] virtio_blk virtio1: [vda]'
                echo KRUNPACK-SMOKE-START
                echo 'KRUNPACK-REPORT linux_version=Linux version 6.12.117 (x@y) #1'
                echo 'KRUNPACK-REPORT mem_total_kb=490000'
                echo 'KRUNPACK-REPORT mem_available_kb=460000'
                echo 'KRUNPACK-REPORT virtio.virtio0=3 virtio_console'
                echo 'KRUNPACK-REPORT filesystems=ext4,tmpfs'
                echo 'KRUNPACK-REPORT exit_via=isa-debug-exit'
                echo KRUNPACK-SMOKE-END
                exit 33""");
        var features = List.of(new SmokeFeatures.Feature("ext4", List.of("EXT4_FS"), "filesystem", "ext4"),
                new SmokeFeatures.Feature("virtio-console", List.of("VIRTIO_CONSOLE"), "virtio", "3"));
        SmokeResult r = run(host, Duration.ofSeconds(20), features);
        assertThat(r.failures()).isEmpty();
        assertThat(r.ok()).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> accel = (Map<String, Object>) r.details().get("accelerator");
        assertThat(accel).containsEntry("name", "tcg");
        assertThat((String) accel.get("reason")).startsWith("no ").endsWith(": using TCG");
        assertThat(r.summary()).anyMatch(l -> l.startsWith("accelerator: tcg (no "))
                .anyMatch(l -> l.startsWith("timing (from VM start): first console byte "))
                .anyMatch(l -> l.equals("features: 2 present, 0 missing (no kernel config: every feature expected)"))
                .anyMatch(l -> l.equals("memory: MemTotal 478 MiB, MemAvailable 449 MiB"));
        @SuppressWarnings("unchecked")
        Map<String, Object> timing = (Map<String, Object>) r.details().get("timing");
        assertThat((Long) timing.get("initMarkerMs")).isGreaterThanOrEqualTo((Long) timing.get("firstConsoleByteMs"));
        // QEMU got the ELF we wrote and the ext4 root
        List<String> args = Files.readAllLines(tmp.resolve("args"));
        Path elf = Path.of(args.get(args.indexOf("-kernel") + 1));
        assertThat(Files.size(elf)).isEqualTo(QemuElf.PAYLOAD_OFFSET + 65536);
        assertThat(args).contains("-accel", "tcg", "console=hvc0 root=/dev/vda rw init=/init panic=-1 reboot=t");
        Path image = tmp.resolve("work/root.ext4");
        assertThat(Files.size(image)).isEqualTo(64L << 20);
        assertThat(tmp.resolve("work/root/init")).isExecutable();
    }

    @Test
    void aMissingFeatureFailsNamingItsOptions() throws Exception {
        Smoke.Host host = host("""
                echo KRUNPACK-SMOKE-START
                echo 'KRUNPACK-REPORT filesystems=ext4,tmpfs'
                echo 'KRUNPACK-REPORT exit_via=isa-debug-exit'
                echo KRUNPACK-SMOKE-END
                exit 33""");
        var features = List.of(new SmokeFeatures.Feature("overlay", List.of("OVERLAY_FS"), "filesystem", "overlay"));
        SmokeResult r = run(host, Duration.ofSeconds(20), features);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).containsExactly("feature overlay (CONFIG_OVERLAY_FS): overlay not in /proc/filesystems");
        assertThat(r.summary()).contains("FAILED: feature overlay (CONFIG_OVERLAY_FS): overlay not in /proc/filesystems");
    }

    @Test
    void withoutIopermTheInitRebootsAndStatusZeroIsExpected() throws Exception {
        String report = """
                echo KRUNPACK-SMOKE-START
                echo 'KRUNPACK-REPORT exit_via=reboot (ioperm: ENOSYS)'
                echo KRUNPACK-SMOKE-END
                """;
        assertThat(run(host(report + "exit 0"), Duration.ofSeconds(20), List.of()).ok()).isTrue();
        SmokeResult wrong = run(host(report + "exit 33"), Duration.ofSeconds(20), List.of());
        assertThat(wrong.failures()).containsExactly("the VM ended with status 33 instead of 0 after the init's"
                + " report (exit_via=reboot (ioperm: ENOSYS))");
    }

    @Test
    void aFeatureWhoseOptionsAreOffIsListedButDoesNotFail() throws Exception {
        Smoke.Host host = host("""
                echo KRUNPACK-SMOKE-START
                echo 'KRUNPACK-REPORT filesystems=ext4,tmpfs'
                echo 'KRUNPACK-REPORT exit_via=isa-debug-exit'
                echo KRUNPACK-SMOKE-END
                exit 33""");
        var features = List.of(new SmokeFeatures.Feature("ext4", List.of("EXT4_FS"), "filesystem", "ext4"),
                new SmokeFeatures.Feature("overlay", List.of("OVERLAY_FS", "EXT4_FS"), "filesystem", "overlay"));
        SmokeResult r = run(host, Duration.ofSeconds(20), features, Map.of("EXT4_FS", "y"));
        assertThat(r.ok()).isTrue();
        assertThat(r.summary()).contains(
                "features: 1 present, 0 missing, not claimed by the config: overlay (CONFIG_OVERLAY_FS off)");
    }

    @Test
    void aPanicIsReportedAsSuch() throws Exception {
        Smoke.Host host = host("""
                echo '[ 1.2] Run /init as init process'
                echo '[ 1.3] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100'
                exit 0""");
        SmokeResult r = run(host, Duration.ofSeconds(20), List.of());
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).containsExactly(
                "kernel panic: [ 1.3] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100");
        assertThat(r.summary()).contains("last 2 console lines:", "| [ 1.2] Run /init as init process");
    }

    @Test
    void aSilentResetSaysTheKernelDiedBeforeItsConsole() throws Exception {
        SmokeResult r = run(host("exit 0"), Duration.ofSeconds(20), List.of());
        assertThat(r.failures()).singleElement().asString()
                .contains("before the init marker, without printing anything: the kernel crashed");
        assertThat(r.summary()).contains("no console output");
    }

    @Test
    void aHangIsKilledAtTheTimeoutShowingTheLast40Lines() throws Exception {
        Smoke.Host host = host("i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo \"boot line $i\"; done\nexec sleep 600");
        long t0 = System.nanoTime();
        SmokeResult r = run(host, Duration.ofSeconds(3), List.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isLessThan(3000 + 5000);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).containsExactly("the guest did not reach the init marker within 3 s: the VM was killed");
        assertThat(r.summary()).contains("last 40 console lines:", "| boot line 61", "| boot line 100")
                .doesNotContain("| boot line 60");
        @SuppressWarnings("unchecked")
        List<String> tail = (List<String>) r.details().get("consoleTail");
        assertThat(tail).hasSize(40);
    }

    @Test
    void qemuFailingToStartIsAnExternalError() throws Exception {
        Smoke.Host host = host("echo 'qemu-system-x86_64: -device vhost-vsock-device: nope' >&2\nexit 1");
        assertThatThrownBy(() -> run(host, Duration.ofSeconds(20), List.of()))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.EXTERNAL);
                    assertThat(e.getMessage()).contains("failed to start the VM").contains("vhost-vsock-device: nope");
                });
    }
}
