package org.krunpack.core;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandbox with the real bubblewrap: nothing outside the scratch directory is writable, there
 * is no network, limits and the timeout hold, crashes are reported. bubblewrap is a required
 * dependency (scripts/setup-deps installs it): without it these tests fail, saying why.
 */
@Tag("tools")
class SandboxTest {
    @TempDir
    Path tmp;
    Path scratch;

    @BeforeAll
    static void bubblewrapWorksHere() {
        Sandbox.Availability a = Sandbox.probe();
        assertThat(a.available()).as("bubblewrap must work on this machine (scripts/setup-deps): %s", a.reason())
                .isTrue();
    }

    private Sandbox.Result run(String script) throws IOException {
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        return Sandbox.forInputs(false).run(Sandbox.Request.of(List.of("sh", "-c", script), scratch)
                .withTimeout(Duration.ofSeconds(20)));
    }

    @Test
    void onlyTheScratchDirectoryIsWritable() throws IOException {
        Path outside = tmp.resolve("outside");
        Sandbox.Result r = run("echo in > \"$HOME/inside\"; echo out > " + outside + "; touch /canary-root;"
                + " touch " + tmp + "/canary-tmp; mkdir -p \"$TMPDIR\" && touch \"$TMPDIR/t\"; echo done");
        assertThat(r.sandboxed()).isTrue();
        assertThat(r.stdout()).contains("done");
        assertThat(r.stderr()).contains("Read-only file system");
        assertThat(scratch.resolve("inside")).hasContent("in");
        assertThat(scratch.resolve("tmp/t")).exists();
        assertThat(outside).doesNotExist();
        assertThat(tmp.resolve("canary-tmp")).doesNotExist();
        assertThat(Path.of("/canary-root")).doesNotExist();
    }

    @Test
    void thereIsNoNetworkOnlyLoopback() throws IOException {
        Sandbox.Result r = run("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
        assertThat(r.ok()).as(r.stderr()).isTrue();
        assertThat(r.stdout().strip()).isEqualTo("lo");
    }

    @Test
    void theHostIsSeenReadOnlyAndTheEnvironmentIsMinimal() throws IOException {
        Files.writeString(tmp.resolve("input.txt"), "from the host");
        Sandbox.Result r = run("cat " + tmp.resolve("input.txt") + "; echo; echo HOME=$HOME; env | sort | cut -d= -f1"
                + " | tr '\\n' ' '");
        assertThat(r.stdout()).contains("from the host", "HOME=" + scratch.toAbsolutePath());
        assertThat(r.stdout()).doesNotContain("JAVA_HOME", "MAVEN");
    }

    @Test
    void aCrashIsReportedWithItsSignal() throws IOException {
        Sandbox.Result r = run("kill -SEGV $$");
        assertThat(r.ok()).isFalse();
        assertThat(r.signal()).isEqualTo(11);
        assertThat(r.describe()).isEqualTo("killed by SIGSEGV (signal 11)");
    }

    @Test
    void theTimeoutKillsTheWholeProcessTree() throws IOException {
        Path pidFile = tmp.resolve("scratch/pids");
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        // durations no other process on the host uses (a developer's "sleep 300" once failed this test)
        String tag = String.format("%04d", new java.util.Random().nextInt(10_000));
        Sandbox.Result r = Sandbox.forInputs(false).run(Sandbox.Request.of(List.of("sh", "-c",
                        "sleep 300." + tag + " & echo $! > " + pidFile + "; (sleep 301." + tag + " &) ; sleep 302."
                                + tag), scratch)
                .withTimeout(Duration.ofSeconds(2)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.describe()).startsWith("timed out after 2 s");
        assertThat(r.millis()).isLessThan(15_000);
        // Nothing of the tree survives: no "sleep 30x" process anywhere on the host.
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.matches(".*sleep 30[012]\\." + tag + ".*")).toList()).isEmpty();
    }

    @Test
    void limitsHold() throws IOException {
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        Sandbox.Result big = Sandbox.forInputs(false).run(Sandbox.Request.of(List.of("sh", "-c",
                        "head -c 3000000 /dev/zero > big; echo rc=$?"), scratch)
                .withLimits(Sandbox.Limits.defaults().withFileSize(1_000_000)));
        assertThat(scratch.resolve("big")).hasSize(1_000_000);
        assertThat(big.stdout()).doesNotContain("rc=0");
        Sandbox.Result cpu = Sandbox.forInputs(false).run(Sandbox.Request.of(List.of("sh", "-c",
                        "while :; do :; done"), scratch)
                .withLimits(Sandbox.Limits.defaults().withCpuSeconds(1)).withTimeout(Duration.ofSeconds(30)));
        assertThat(cpu.timedOut()).isFalse();
        assertThat(cpu.describe()).isIn("killed by SIGXCPU (signal 24)", "killed by SIGKILL (signal 9)");
    }

    @Test
    void outputBeyondTheCapIsDroppedAndSaidSo() throws IOException {
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        Sandbox.Result r = Sandbox.forInputs(false).run(Sandbox.Request.of(List.of("sh", "-c",
                "head -c 5000000 /dev/zero | tr '\\0' x"), scratch).withMaxOutput(1000));
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).hasSize(1000);
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void readOnlyBindsEnvAndWorkDir() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "bound");
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        Path target = scratch.resolve("mnt");
        Sandbox.Result r = Sandbox.forInputs(false).run(Sandbox.Request.of(List.of("sh", "-c",
                        "cat mnt/f; echo \" $FOO\"; echo x > mnt/g"), scratch)
                .withReadOnlyBinds(List.of(new Sandbox.Bind(data, target))).withEnv(Map.of("FOO", "bar")));
        assertThat(r.stdout()).contains("bound bar");
        assertThat(r.stderr()).contains("Read-only file system");
        assertThat(data.resolve("g")).doesNotExist();
    }

    @Test
    void switchedOffThereIsNoSandboxAndNothingRunsUnlessTrusted() throws IOException {
        scratch = Files.createDirectories(tmp.resolve("scratch"));
        String before = System.getProperty(Sandbox.SWITCH_PROPERTY);
        System.setProperty(Sandbox.SWITCH_PROPERTY, "off");
        try {
            Sandbox.resetProbe();
            assertThat(Sandbox.probe().available()).isFalse();
            Sandbox none = Sandbox.forInputs(false);
            assertThat(none.canRun()).isFalse();
            assertThat(none.whyNot()).contains("switched off", "--trust-inputs");
            assertThatThrownBy(() -> none.run(Sandbox.Request.of(List.of("true"), scratch)))
                    .isInstanceOf(IllegalStateException.class);
            Sandbox trusted = Sandbox.forInputs(true);
            Sandbox.Result r = trusted.run(Sandbox.Request.of(List.of("sh", "-c", "pwd"), scratch));
            assertThat(r.sandboxed()).isFalse();
            assertThat(r.stdout().strip()).isEqualTo(scratch.toAbsolutePath().toString());
        } finally {
            if (before == null) {
                System.clearProperty(Sandbox.SWITCH_PROPERTY);
            } else {
                System.setProperty(Sandbox.SWITCH_PROPERTY, before);
            }
            Sandbox.resetProbe();
        }
    }
}
