package org.krunpack.smoke;

import org.krunpack.core.Artifact;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;
import org.krunpack.verify.ProbedPayload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Boots a foreign library's kernel (aarch64 or riscv64 on another host) under QEMU's {@code virt}
 * machine with TCG: the payload is read through {@code krunfw_get_kernel} by krunpack's probe in the
 * sandbox under user emulation (never loaded in krunpack's process), the guest init is our
 * {@code init.c} built with the cross gcc, and the report and feature probes are the native ones.
 * The devices are the same virtio-mmio devices, which {@code virt} lists in its device tree.
 */
final class ForeignBoot {
    /** TCG on another arch is slow: a longer default than a native TCG boot. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(240);

    private ForeignBoot() {
    }

    /** The QEMU arguments for {@code arch}'s virt machine (without the accelerator). */
    static List<String> machine(Arch arch) {
        return switch (arch) {
            // GICv3, as libkrun gives its aarch64 guests; PSCI (the machine's default) ends the VM on reboot
            case AARCH64 -> List.of("-M", "virt,gic-version=3");
            // OpenSBI (QEMU's default firmware) starts the kernel in S-mode
            case RISCV64 -> List.of("-M", "virt");
            case X86_64 -> throw new IllegalArgumentException("x86_64 boots under microvm");
        };
    }

    /** The TCG accelerator for a foreign guest, with a CPU model QEMU emulates quickly. */
    static Accelerator accelerator(Arch arch, Accelerator.Mode mode) {
        String host = System.getProperty("os.arch");
        if (mode == Accelerator.Mode.kvm) {
            throw KrunpackException.usage("--accel kvm: KVM runs guests of the host's arch only (" + host + "); a "
                    + arch.rpmName() + " guest boots under TCG: use --accel auto or tcg");
        }
        String cpu = arch == Arch.AARCH64 ? "cortex-a57" : "rv64";
        return new Accelerator("tcg", List.of("-accel", "tcg", "-cpu", cpu), "a " + arch.rpmName()
                + " guest on this " + host + " host: TCG emulates the " + cpu + " CPU (KVM runs the host's arch only)");
    }

    static String qemuBinary(Arch arch) {
        return arch == Arch.AARCH64
                ? Tools.require("qemu-system-aarch64", "qemu-system-arm", "qemu-system-aarch64-core").toString()
                : Tools.require("qemu-system-riscv64", "qemu-system-misc", "qemu-system-riscv-core").toString();
    }

    static SmokeResult run(Smoke.Options o, Arch arch, List<SmokeFeatures.Feature> features, Map<String, String> config,
                           Consumer<String> log) {
        Accelerator accel = accelerator(arch, o.accel());
        String qemu = qemuBinary(arch);
        Duration timeout = o.timeout() != null ? o.timeout() : DEFAULT_TIMEOUT;
        Path work = o.workDir().toAbsolutePath();
        Path console = work.resolve("console.log");
        Path pidFile = work.resolve("qemu.pid");
        try {
            Files.createDirectories(work);
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw KrunpackException.external("cannot prepare " + work + ": " + e.getMessage());
        }
        log.accept("smoke: reading the " + arch.rpmName() + " library's kernel through krunfw_get_kernel"
                + " (krunpack's probe under qemu-user, in the sandbox)");
        ProbedPayload payload = ProbedPayload.read(o.library(), arch, work.resolve("payload"), Duration.ofSeconds(120));
        long size;
        try {
            size = Files.size(payload.kernel());
        } catch (IOException e) {
            throw KrunpackException.external("cannot read " + payload.kernel() + ": " + e.getMessage());
        }
        List<String> failures = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", "qemu");
        details.put("machine", "virt");
        details.put("arch", arch.rpmName());
        details.put("library", o.library().toAbsolutePath().toString());
        details.put("accelerator", Map.of("name", accel.name(), "reason", accel.reason()));
        details.put("timeoutSeconds", timeout.toSeconds());
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("loadAddr", Smoke.hex(payload.loadAddr()));
        kernel.put("entryAddr", Smoke.hex(payload.entryAddr()));
        kernel.put("size", size);
        kernel.put("abiVersion", payload.abiVersion());
        details.put("kernel", kernel);
        List<String> summary = new ArrayList<>();
        summary.add("library: " + o.library());
        summary.add(String.format("kernel (%s Image): %.1f MiB, load %s, entry %s%s", arch.rpmName(), size / 1048576.0,
                Smoke.hex(payload.loadAddr()), Smoke.hex(payload.entryAddr()),
                payload.abiVersion() >= 0 ? ", krunfw_get_version() = " + payload.abiVersion() : ""));
        summary.add("accelerator: " + accel.name() + " (" + accel.reason() + ")");
        log.accept("smoke: accelerator " + accel.name() + ": " + accel.reason());

        String gcc = arch.rpmName() + "-linux-gnu-gcc";
        log.accept("smoke: building the guest root (" + gcc + " -static, mke2fs -d)");
        RootFs root = RootFs.build(work, o.init(), SmokeFeatures.probeFiles(features), gcc);
        List<String> cmd = new ArrayList<>(List.of(qemu));
        cmd.addAll(accel.qemuArgs());
        cmd.addAll(machine(arch));
        cmd.addAll(List.of("-m", "512", "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
                "-serial", "none", "-monitor", "none", "-no-reboot",
                "-kernel", payload.kernel().toString(), "-append", QemuCommand.APPEND,
                "-device", "virtio-serial-device", "-chardev", "stdio,id=c0", "-device", "virtconsole,chardev=c0",
                "-drive", "file=" + root.image().toString().replace(",", ",,") + ",format=raw,if=none,id=r",
                "-device", "virtio-blk-device,drive=r", "-device", "virtio-rng-device",
                "-device", "virtio-balloon-device", "-pidfile", pidFile.toString()));
        details.put("command", cmd);
        details.put("vhostVsock", false);
        summary.add("vhost-vsock: not attached (vhost needs KVM; a TCG guest of another arch has none)");
        log.accept("smoke: booting under " + qemu + " -M virt (" + accel.name() + ", timeout " + timeout.toSeconds()
                + " s)");
        VmRun run = VmRun.run(cmd, work, null, timeout, console, pidFile);
        List<Artifact> artifacts = List.of(new Artifact("smoke-console", console),
                new Artifact("smoke-kernel", payload.kernel()), new Artifact("smoke-root", root.image()));
        if (run.exitCode() == 1 && run.firstByteMs() < 0 && !run.timedOut()) {
            throw KrunpackException.external(qemu + " failed to start the VM (exit 1)" + Tools.tail("\n", run.stderr(), 20));
        }
        // no isa-debug-exit off x86: the init reboots, and -no-reboot makes QEMU exit 0
        Smoke.judge(run, 0, timeout, features, config, failures, summary, details);
        return Smoke.finish("smoke", failures, summary, details, artifacts, run);
    }
}
