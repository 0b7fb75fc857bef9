package org.krunpack.smoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class AcceleratorTest {
    @TempDir
    Path tmp;

    Path modules(String... names) throws Exception {
        Path m = tmp.resolve("sys-module");
        Files.createDirectories(m);
        for (String n : names) {
            Files.createDirectories(m.resolve(n));
        }
        return m;
    }

    Path devKvm() throws Exception {
        return Files.createFile(tmp.resolve("kvm"));
    }

    @Test
    void hardwareKvmWithReadWriteDeviceUsesKvm() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm", "kvm_intel"), devKvm());
        assertThat(a.name()).isEqualTo("kvm");
        assertThat(a.qemuArgs()).containsExactly("-enable-kvm", "-cpu", "host");
        assertThat(a.reason()).contains("kvm_intel").contains("using KVM");
        assertThat(a.defaultTimeout()).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void kvmAmdCountsAsHardware() throws Exception {
        assertThat(Accelerator.choose(Accelerator.Mode.kvm, modules("kvm_amd"), devKvm()).name()).isEqualTo("kvm");
    }

    @Test
    void kvmPvmFallsBackToTcgAndSaysWhy() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm", "kvm_pvm"), devKvm());
        assertThat(a.name()).isEqualTo("tcg");
        assertThat(a.qemuArgs()).containsExactly("-accel", "tcg", "-cpu", "max");
        assertThat(a.reason()).isEqualTo(tmp.resolve("kvm") + " is kvm_pvm, which cannot run an unmodified kernel:"
                + " using TCG");
        assertThat(a.defaultTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void noDeviceFallsBackToTcg() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm_intel"), tmp.resolve("absent"));
        assertThat(a.name()).isEqualTo("tcg");
        assertThat(a.reason()).isEqualTo("no " + tmp.resolve("absent") + ": using TCG");
    }

    @Test
    void noDeviceWithPvmModuleSaysBoth() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm_pvm"), tmp.resolve("absent"));
        assertThat(a.reason()).startsWith("no ").contains("kvm_pvm, which cannot run an unmodified kernel");
    }

    @Test
    void deviceWithoutAnyHardwareModule() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm"), devKvm());
        assertThat(a.name()).isEqualTo("tcg");
        assertThat(a.reason()).contains("neither kvm_intel nor kvm_amd is loaded");
    }

    @Test
    void unwritableDeviceFallsBackToTcg() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root can write any file");
        Path dev = devKvm();
        Files.setPosixFilePermissions(dev, PosixFilePermissions.fromString("r--r--r--"));
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm_intel"), dev);
        assertThat(a.name()).isEqualTo("tcg");
        assertThat(a.reason()).contains("not writable");
    }

    @Test
    void askingForKvmWhereItIsUnusableFailsWithTheReason() throws Exception {
        Path m = modules("kvm", "kvm_pvm");
        Path dev = devKvm();
        assertThatThrownBy(() -> Accelerator.choose(Accelerator.Mode.kvm, m, dev))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).startsWith("--accel kvm: ").contains("kvm_pvm")
                            .contains("--accel auto");
                });
    }

    @Test
    void tcgOnRequestEvenWithHardwareKvm() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.tcg, modules("kvm_intel"), devKvm());
        assertThat(a.name()).isEqualTo("tcg");
        assertThat(a.reason()).contains("--accel tcg");
    }

    @Test
    void kvmCommandLineForAHostWithHardwareKvm() throws Exception {
        Accelerator a = Accelerator.choose(Accelerator.Mode.auto, modules("kvm_amd"), devKvm());
        var args = new QemuCommand("qemu-system-x86_64", a, Path.of("/w/kernel.elf"), Path.of("/w/root.ext4"),
                Path.of("/w/qemu.pid"), true).args();
        assertThat(args.subList(0, 4)).containsExactly("qemu-system-x86_64", "-enable-kvm", "-cpu", "host");
        assertThat(args).doesNotContain("tcg").contains("microvm,acpi=off", "-no-reboot",
                "isa-debug-exit,iobase=0xf4,iosize=0x04", "vhost-vsock-device,guest-cid=3", "/w/kernel.elf");
        assertThat(args.get(args.indexOf("-append") + 1)).contains("console=hvc0").contains("root=/dev/vda")
                .contains("panic=-1").contains("reboot=t");
        assertThat(args.get(args.indexOf("-pidfile") + 1)).isEqualTo("/w/qemu.pid");
    }

    @Test
    void vsockDeviceOnlyWhenAsked() {
        var args = new QemuCommand("q", Accelerator.tcg("x"), Path.of("k"), Path.of("r"), Path.of("p"), false).args();
        assertThat(String.join(" ", args)).doesNotContain("vhost-vsock").contains("-accel tcg -cpu max");
    }
}
