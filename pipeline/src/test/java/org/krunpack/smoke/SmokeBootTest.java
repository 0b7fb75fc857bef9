package org.krunpack.smoke;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.cli.Main;
import org.krunpack.core.Tools;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end: a library built from a real vmlinux, booted under QEMU through its ABI. Skipped when
 * the vmlinux ({@link TestLibrary#VMLINUX}) or qemu-system-x86_64 is absent.
 */
@Tag("tools")
class SmokeBootTest {
    static final Path FEATURES = Path.of("../kernel-config/features.yaml");
    static TestLibrary.Payload payload;
    static Path lib;
    static Path libDir;

    @BeforeAll
    static void buildLibrary(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(TestLibrary.VMLINUX), "no vmlinux at " + TestLibrary.VMLINUX);
        assumeTrue(Tools.which("qemu-system-x86_64").isPresent(), "no qemu-system-x86_64");
        libDir = dir;
        payload = TestLibrary.payload(TestLibrary.VMLINUX);
        lib = TestLibrary.build(payload, dir.resolve("lib"));
    }

    @AfterAll
    static void noQemuLeft() {
        if (libDir == null) {
            return;
        }
        assertThat(ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains("qemu") && c.contains(libDir.toString()))
                        .orElse(false)).count()).as("qemu processes left").isZero();
    }

    static Path kernelConfig() {
        Path c = TestLibrary.VMLINUX.resolveSibling(".config");
        return Files.isRegularFile(c) ? c : null;
    }

    static SmokeResult boot(Path library, Path work, Duration timeout, Path features, Path init) {
        Smoke.Options o = new Smoke.Options(library, Accelerator.Mode.auto, timeout, features, kernelConfig(), work,
                init, true);
        List<SmokeResult> results = Smoke.run(o, Smoke.Host.system(), s -> { });
        return results.get(0);
    }

    @Test
    void theLibrarysKernelBootsToTheInitMarker() {
        Path work = libDir.resolve("ok");
        Smoke.Options o = new Smoke.Options(lib, Accelerator.Mode.auto, null, FEATURES, kernelConfig(), work, null, true);
        List<SmokeResult> results = Smoke.run(o, Smoke.Host.system(), s -> { });
        SmokeResult r = results.get(0);
        assertThat(r.failures()).as(String.join("\n", r.summary())).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.run().console()).anyMatch(l -> l.contains(GuestReport.START));
        @SuppressWarnings("unchecked")
        Map<String, Object> accel = (Map<String, Object>) r.details().get("accelerator");
        String expected = Accelerator.choose(Accelerator.Mode.auto).name();
        assertThat(accel).containsEntry("name", expected);
        if (expected.equals("tcg")) {
            assertThat((String) accel.get("reason")).endsWith(": using TCG");
        }
        assertThat(r.run().startMarkerMs()).isPositive();
        assertThat(r.run().firstByteMs()).isPositive().isLessThanOrEqualTo(r.run().startMarkerMs());
        GuestReport g = GuestReport.parse(r.run().console());
        assertThat(r.run().exitCode()).isEqualTo("isa-debug-exit".equals(g.get("exit_via"))
                ? QemuCommand.INIT_DONE_STATUS : 0);
        assertThat(g.linuxVersion()).startsWith("Linux version 6.12");
        assertThat(g.number("mem_total_kb")).isGreaterThan(100_000);
        assertThat(g.virtioDevices()).anyMatch(d -> d.id() == 3 && d.driver().equals("virtio_console"))
                .anyMatch(d -> d.id() == 2 && d.driver().equals("virtio_blk"));
        assertThat(results.get(1).skipped()).as("libkrun backend").isNotNull();
    }

    @Test
    void aFeatureTheGuestLacksFailsNamingIt(@TempDir Path tmp) throws Exception {
        Path manifest = tmp.resolve("features.yaml");
        Files.writeString(manifest, """
                features:
                  ext4: {options: [EXT4_FS], probe: {kind: filesystem, value: ext4}}
                  imaginary-fs: {options: [EXT4_FS], probe: {kind: filesystem, value: imaginaryfs}}
                """);
        SmokeResult r = boot(lib, libDir.resolve("feature"), null, manifest, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).containsExactly(
                "feature imaginary-fs (CONFIG_EXT4_FS): imaginaryfs not in /proc/filesystems");
    }

    @Test
    void aCorruptedFirstPageFailsWithinTheTimeout() throws Exception {
        byte[] bytes = payload.bytes().clone();
        int at = (int) (payload.entryAddr() - payload.loadAddr());
        for (int i = 0; i < 16; i++) {
            bytes[at + i] = (byte) 0xff; // startup_64's first instructions become garbage
        }
        Path bad = TestLibrary.build(new TestLibrary.Payload(bytes, payload.loadAddr(), payload.entryAddr()),
                libDir.resolve("corrupt"));
        long t0 = System.nanoTime();
        SmokeResult r = boot(bad, libDir.resolve("corrupt-work"), Duration.ofSeconds(20), null, null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).isNotEmpty();
        assertThat(String.join("\n", r.failures())).containsAnyOf("panic", "init marker");
        assertThat(r.run().exitMs()).isLessThan(20_000 + 1_000);
        assertThat(ms).as("whole run, with building the root").isLessThan(20_000 + 5_000 + 10_000);
    }

    @Test
    void anInitThatNeverPrintsTheMarkerIsKilledAtTheTimeout(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("silent.c");
        Files.writeString(src, "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n");
        Path init = tmp.resolve("silent");
        Tools.check(List.of("gcc", "-static", "-Os", "-o", init.toString(), src.toString()), tmp, null);
        long t0 = System.nanoTime();
        SmokeResult r = boot(lib, libDir.resolve("silent"), Duration.ofSeconds(8), null, init);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).contains("the guest did not reach the init marker within 8 s: the VM was killed");
        assertThat(r.run().timedOut()).isTrue();
        assertThat(r.run().exitMs()).isBetween(8_000L, 8_000L + 5_000L);
        assertThat(ms).as("whole run, with building the root").isLessThan(8_000 + 5_000 + 10_000);
    }

    @Test
    void theCliReportsJsonAndRefusesKvmWhereItIsUnusable(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> args = new java.util.ArrayList<>(List.of("smoke", "-c", tmp.resolve("none.yaml").toString(),
                "--out", libDir.resolve("cli").toString(), "--lib", lib.toString(), "--features", FEATURES.toString(),
                "--format", "json"));
        if (kernelConfig() != null) {
            args.addAll(List.of("--kernel-config", kernelConfig().toString()));
        }
        int rc = cl.execute(args.toArray(String[]::new));
        assertThat(rc).as(out + "\n" + err).isZero();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(doc.path("result").asText()).isEqualTo("ok");
        var step = doc.path("steps").get(0);
        assertThat(step.path("step").asText()).isEqualTo("smoke");
        assertThat(step.path("details").path("accelerator").path("name").asText()).isIn("tcg", "kvm");
        assertThat(step.path("details").path("timing").path("initMarkerMs").asLong()).isPositive();

        if (Accelerator.kvmUnusable(Path.of("/sys/module"), Path.of("/dev/kvm")) != null) {
            StringWriter err2 = new StringWriter();
            CommandLine cl2 = Main.commandLine();
            cl2.setOut(new PrintWriter(new StringWriter()));
            cl2.setErr(new PrintWriter(err2));
            long t0 = System.nanoTime();
            int rc2 = cl2.execute("smoke", "-c", tmp.resolve("none.yaml").toString(), "--lib", lib.toString(),
                    "--accel", "kvm");
            assertThat(rc2).isEqualTo(2);
            assertThat(err2.toString()).contains("--accel kvm: ").contains("use --accel auto");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("fails before booting").isLessThan(5_000);
        }
    }
}
