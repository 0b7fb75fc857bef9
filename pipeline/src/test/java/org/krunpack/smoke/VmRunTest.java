package org.krunpack.smoke;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The VM watcher with stand-in "VMs" (shell scripts): timing, markers, panic, timeout, cleanup. */
class VmRunTest {
    @TempDir
    Path tmp;

    final String token = "krunpack-test-" + UUID.randomUUID();

    Path script(String body) throws Exception {
        Path s = tmp.resolve("fake-vm");
        Files.writeString(s, "#!/bin/sh\n# " + token + "\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    List<ProcessHandle> leftovers() {
        List<ProcessHandle> out = new ArrayList<>();
        ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(token)).orElse(false))
                .forEach(out::add);
        return out;
    }

    @AfterEach
    void noProcessOutlivesTheTest() {
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void recordsMilestonesInOrder() throws Exception {
        Path vm = script("""
                echo '[ 0.5] booting'
                sleep 0.2
                printf 'KRUNPACK-SMOKE-START\\r\\n'
                echo 'KRUNPACK-REPORT release=6.12'
                sleep 0.1
                echo 'KRUNPACK-SMOKE-END'
                exit 33""");
        VmRun r = VmRun.run(List.of(vm.toString(), token), tmp, null, Duration.ofSeconds(20),
                tmp.resolve("console.log"), null);
        assertThat(r.exitCode()).isEqualTo(33);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.panicked()).isFalse();
        assertThat(r.firstByteMs()).isGreaterThanOrEqualTo(0);
        // lower bounds from the script's sleeps hold under any load; reads may batch lines, so only order otherwise
        assertThat(r.startMarkerMs()).isGreaterThanOrEqualTo(Math.max(200, r.firstByteMs()));
        assertThat(r.endMarkerMs()).isGreaterThanOrEqualTo(Math.max(300, r.startMarkerMs()));
        assertThat(r.exitMs()).isGreaterThanOrEqualTo(r.endMarkerMs());
        assertThat(r.console()).containsExactly("[ 0.5] booting", "KRUNPACK-SMOKE-START", "KRUNPACK-REPORT release=6.12",
                "KRUNPACK-SMOKE-END");
        assertThat(Files.readString(tmp.resolve("console.log"))).contains("KRUNPACK-SMOKE-END");
    }

    @Test
    void aHangingVmIsKilledAtTheTimeoutWithItsChildren() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 60; i++) {
            lines.append("echo 'line ").append(i).append("'\n");
        }
        Path vm = script(lines + "sleep 600 & sleep 600 # " + token);
        long t0 = System.nanoTime();
        VmRun r = VmRun.run(List.of(vm.toString()), tmp, null, Duration.ofSeconds(2), null, null);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(elapsedMs).isBetween(1900L, 2000L + 5000L);
        assertThat(r.tail()).hasSize(VmRun.TAIL).startsWith("line 21").endsWith("line 60");
        assertThat(r.startMarkerMs()).isEqualTo(-1);
    }

    @Test
    void recognisesAKernelPanic() throws Exception {
        Path vm = script("""
                echo '[ 1.0] VFS: Cannot open root device'
                echo '[ 1.0] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)'
                echo '[ 1.0] ---[ end Kernel panic'
                exit 0""");
        VmRun r = VmRun.run(List.of(vm.toString()), tmp, null, Duration.ofSeconds(20), null, null);
        assertThat(r.panicked()).isTrue();
        assertThat(r.panicLine()).startsWith("[ 1.0] Kernel panic - not syncing: VFS: Unable to mount root fs");
    }

    @Test
    void killsThePidInThePidFileWhenItIsAQemu() throws Exception {
        // a wrapper that starts a detached "qemu" (a renamed sleep) and writes its pid, as -pidfile does
        Path fakeQemu = tmp.resolve("qemu-system-fake");
        Files.createSymbolicLink(fakeQemu, Path.of("/bin/sleep"));
        Path pidFile = tmp.resolve("qemu.pid");
        Path vm = script("setsid " + fakeQemu + " 600 " + token + " </dev/null >/dev/null 2>&1 &\n"
                + "echo $! > " + pidFile + "\nsleep 600");
        VmRun r = VmRun.run(List.of(vm.toString()), tmp, null, Duration.ofSeconds(2), null, pidFile);
        assertThat(r.timedOut()).isTrue();
        Thread.sleep(200);
        // noProcessOutlivesTheTest checks the detached one is gone too
    }
}
