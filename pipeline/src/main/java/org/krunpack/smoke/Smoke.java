package org.krunpack.smoke;

import org.krunpack.core.Artifact;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The smoke stage's facade: boots the kernel a libkrunfw library hands out through its ABI under
 * QEMU (and under libkrun where it is installed), and checks what the guest reports against the
 * features the kernel config claims.
 */
public final class Smoke {
    /** Virtio device ids, for the report. */
    static final Map<Integer, String> VIRTIO_NAMES = Map.of(1, "net", 2, "blk", 3, "console", 4, "rng",
            5, "balloon", 9, "9p", 16, "gpu", 18, "input", 19, "vsock", 26, "fs");

    private Smoke() {
    }

    /**
     * What to smoke-test.
     *
     * @param library      the libkrunfw library
     * @param accel        accelerator request
     * @param timeout      whole-run timeout, or null for the accelerator's default (TCG 60 s, KVM 20 s)
     * @param features     the feature manifest, or null to check only that the guest boots
     * @param kernelConfig the kernel config the library was built from, or null (every feature expected)
     * @param workDir      scratch and output directory (ELF, root, console log)
     * @param init         a static binary to use as /init instead of ours, or null
     * @param libkrun      also boot through libkrun when it is installed
     */
    public record Options(Path library, Accelerator.Mode accel, Duration timeout, Path features,
                          Path kernelConfig, Path workDir, Path init, boolean libkrun) {
    }

    /**
     * The host as the smoke test sees it (injectable for tests).
     *
     * @param sysModule     {@code /sys/module}
     * @param devKvm        {@code /dev/kvm}
     * @param devVhostVsock {@code /dev/vhost-vsock}
     * @param qemu          the QEMU binary (name on the PATH or a path)
     */
    public record Host(Path sysModule, Path devKvm, Path devVhostVsock, String qemu) {
        public static Host system() {
            return new Host(Path.of("/sys/module"), Path.of("/dev/kvm"), Path.of("/dev/vhost-vsock"),
                    "qemu-system-x86_64");
        }
    }

    /** Runs the QEMU backend and, when asked and available, the libkrun backend. */
    public static List<SmokeResult> run(Options o, Host host, Consumer<String> log) {
        // validate every input before booting anything
        org.krunpack.project.Arch libArch = libraryArch(o.library());
        if (libArch != null && libArch != org.krunpack.kbuild.Toolchain.hostArch()) {
            List<SmokeFeatures.Feature> features = o.features() == null ? List.of() : SmokeFeatures.load(o.features());
            Map<String, String> config = o.kernelConfig() == null ? null : SmokeFeatures.readConfig(o.kernelConfig());
            List<SmokeResult> results = new ArrayList<>();
            results.add(ForeignBoot.run(o, libArch, features, config, log));
            if (o.libkrun()) {
                log.accept("smoke: libkrun boots guests of the host's arch only: the " + libArch.rpmName()
                        + " library was booted under QEMU alone");
            }
            return results;
        }
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw KrunpackException.usage("krunpack smoke boots x86_64 kernels only (this host is " + arch
                    + "): the library is loaded in-process and its kernel booted with qemu-system-x86_64");
        }
        Accelerator accel = Accelerator.choose(o.accel(), host.sysModule(), host.devKvm());
        List<SmokeFeatures.Feature> features = o.features() == null ? List.of() : SmokeFeatures.load(o.features());
        Map<String, String> config = o.kernelConfig() == null ? null : SmokeFeatures.readConfig(o.kernelConfig());
        KernelBundle bundle = KernelBundle.load(o.library());
        List<SmokeResult> results = new ArrayList<>();
        String tee = teeVariant(o.library());
        if (tee != null && config != null && "y".equals(config.get("CMDLINE_OVERRIDE"))) {
            // The release's TEE kernels take no command line from the VMM: nothing to boot here.
            String why = teeCannotBoot(tee);
            log.accept("smoke: " + why);
            results.add(SmokeResult.skipped("smoke", why));
            if (o.libkrun()) {
                results.add(SmokeResult.skipped(LibkrunBackend.STEP, why));
            }
            return results;
        }
        results.add(qemu(o, host, accel, bundle, features, config, log));
        if (o.libkrun()) {
            results.add(LibkrunBackend.run(o, results.get(0), features, config, log));
        }
        return results;
    }

    /** Why a TEE variant's kernel with CONFIG_CMDLINE_OVERRIDE is not booted, and what was checked instead. */
    static String teeCannotBoot(String tee) {
        return "NOT BOOTED: variant " + tee + ": " + teeHostNeeded(tee) + "; and this kernel replaces any command line with its built-in one"
                + " (CONFIG_CMDLINE_OVERRIDE: libkrun-" + tee + "'s fixed virtio-mmio addresses, root on virtiofs),"
                + " so it cannot boot as a plain QEMU guest either. Checked instead: verify-lib (the variant"
                + " contract, the qboot firmware's and initrd's bytes behind krunfw_get_qboot/krunfw_get_initrd)";
    }

    /** What a TEE guest needs that this machine does not give it. */
    private static String teeHostNeeded(String tee) {
        String what = tee.equals("sev") ? "AMD SEV" : "Intel TDX";
        return "an " + what + " guest needs an " + what + " host and libkrun-" + tee + ", which this machine is not";
    }

    /** "sev" or "tdx" when the library's SONAME is a TEE variant's (libkrunfw-sev.so.N), else null. */
    static String teeVariant(Path library) {
        try {
            String soname = org.krunpack.elf.ElfFile.read(library).soname();
            java.util.regex.Matcher m = soname == null ? null
                    : java.util.regex.Pattern.compile("libkrunfw-(sev|tdx)\\.so\\.\\d+").matcher(soname);
            return m != null && m.matches() ? m.group(1) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The arch of the library's ELF header, or null when it is none of ours or unreadable (loading says why). */
    static org.krunpack.project.Arch libraryArch(Path library) {
        if (!Files.isRegularFile(library)) {
            return null;
        }
        try {
            int machine = org.krunpack.elf.ElfFile.read(library).header().machine();
            return switch (machine) {
                case org.krunpack.elf.Elf.EM_X86_64 -> org.krunpack.project.Arch.X86_64;
                case org.krunpack.elf.Elf.EM_AARCH64 -> org.krunpack.project.Arch.AARCH64;
                case org.krunpack.elf.Elf.EM_RISCV -> org.krunpack.project.Arch.RISCV64;
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Boots the bundle under QEMU. */
    public static SmokeResult qemu(Options o, Host host, Accelerator accel, KernelBundle bundle,
                                   List<SmokeFeatures.Feature> features, Map<String, String> config,
                                   Consumer<String> log) {
        Duration timeout = o.timeout() != null ? o.timeout() : accel.defaultTimeout();
        List<String> failures = new ArrayList<>(bundle.problems());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", "qemu");
        details.put("library", bundle.library().toString());
        details.put("accelerator", Map.of("name", accel.name(), "reason", accel.reason()));
        details.put("timeoutSeconds", timeout.toSeconds());
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("loadAddr", hex(bundle.loadAddr()));
        kernel.put("entryAddr", hex(bundle.entryAddr()));
        kernel.put("size", bundle.size());
        kernel.put("abiVersion", bundle.abiVersion());
        details.put("kernel", kernel);
        List<String> summary = new ArrayList<>();
        summary.add("library: " + bundle.library());
        summary.add(String.format("kernel: %.1f MiB at %s, entry %s%s", bundle.size() / 1048576.0,
                hex(bundle.loadAddr()), hex(bundle.entryAddr()),
                bundle.abiVersion() >= 0 ? ", krunfw_get_version() = " + bundle.abiVersion() : ""));
        summary.add("accelerator: " + accel.name() + " (" + accel.reason() + ")");
        log.accept("smoke: accelerator " + accel.name() + ": " + accel.reason());
        String tee = teeVariant(bundle.library());
        if (tee != null) {
            String note = "variant " + tee + ": " + teeHostNeeded(tee) + "; checked instead: the variant's kernel"
                    + " boots here as a plain guest (no memory encryption, its qboot firmware and initrd unused;"
                    + " verify-lib checks their bytes and exports)";
            summary.add(note);
            details.put("variant", Map.of("name", tee, "teeBooted", false, "note", note));
            log.accept("smoke: " + note);
        }

        var note = PvhNote.find(bundle.payload());
        if (note.isEmpty()) {
            failures.add("the payload holds no PVH entry note (Xen note type 18): the kernel was built"
                    + " without CONFIG_PVH=y, so QEMU cannot start it");
            return finish("smoke", failures, summary, details, List.of(), null);
        }
        kernel.put("pvhEntry", hex(note.get().entry()));

        Path work = o.workDir().toAbsolutePath();
        Path elf = work.resolve("kernel.elf");
        Path console = work.resolve("console.log");
        Path pidFile = work.resolve("qemu.pid");
        try {
            Files.createDirectories(work);
            Files.deleteIfExists(pidFile);
        } catch (java.io.IOException e) {
            throw KrunpackException.external("cannot prepare " + work + ": " + e.getMessage());
        }
        QemuElf.write(bundle, note.get(), elf);
        log.accept("smoke: building the guest root (gcc -static, mke2fs -d)");
        RootFs root = RootFs.build(work, o.init(), SmokeFeatures.probeFiles(features));
        String qemu = host.qemu().contains("/") ? host.qemu()
                : Tools.require(host.qemu(), "qemu-system-x86", "qemu-system-x86-core").toString();
        boolean vsock = Files.exists(host.devVhostVsock());
        details.put("vhostVsock", vsock);
        if (!vsock) {
            summary.add("vhost-vsock: not attached (no " + host.devVhostVsock() + ")");
        }
        QemuCommand cmd = new QemuCommand(qemu, accel, elf, root.image(), pidFile, vsock);
        details.put("command", cmd.args());
        log.accept("smoke: booting under QEMU (" + accel.name() + ", timeout " + timeout.toSeconds() + " s)");
        VmRun run = VmRun.run(cmd.args(), work, null, timeout, console, pidFile);
        List<Artifact> artifacts = List.of(new Artifact("smoke-console", console), new Artifact("smoke-kernel-elf", elf),
                new Artifact("smoke-root", root.image()));
        if (run.exitCode() == 1 && run.firstByteMs() < 0 && !run.timedOut()) {
            throw KrunpackException.external(qemu + " failed to start the VM (exit 1)"
                    + Tools.tail("\n", run.stderr(), 20));
        }
        // the init ends the VM through isa-debug-exit when the kernel allows ioperm, else by reboot
        String exitVia = GuestReport.parse(run.console()).get("exit_via");
        int done = "isa-debug-exit".equals(exitVia) ? QemuCommand.INIT_DONE_STATUS : 0;
        judge(run, done, timeout, features, config, failures, summary, details);
        return finish("smoke", failures, summary, details, artifacts, run);
    }

    /**
     * Judges a VM run (shared by both backends): markers, panic, timeout, exit status, features.
     *
     * @param doneStatus the process exit status that means "init finished", or null to accept any
     */
    static void judge(VmRun run, Integer doneStatus, Duration timeout, List<SmokeFeatures.Feature> features,
                      Map<String, String> config, List<String> failures, List<String> summary,
                      Map<String, Object> details) {
        GuestReport report = GuestReport.parse(run.console());
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("firstConsoleByteMs", run.firstByteMs());
        timing.put("initMarkerMs", run.startMarkerMs());
        timing.put("reportDoneMs", run.endMarkerMs());
        timing.put("vmExitMs", run.exitMs());
        details.put("timing", timing);
        details.put("exitStatus", run.exitCode());
        summary.add("timing (from VM start): first console byte " + ms(run.firstByteMs()) + ", init marker "
                + ms(run.startMarkerMs()) + ", report done " + ms(run.endMarkerMs()) + ", "
                + (run.timedOut() ? "killed at " : "VM exit ") + run.exitMs() + " ms");

        if (run.panicked()) {
            failures.add("kernel panic: " + run.panicLine());
        }
        if (run.timedOut()) {
            failures.add((report.started() ? "the init started but did not finish its report"
                    : "the guest did not reach the init marker") + " within " + timeout.toSeconds()
                    + " s: the VM was killed");
        } else if (!report.started()) {
            if (!run.panicked()) {
                failures.add("the VM ended (status " + run.exitCode() + ") before the init marker"
                        + (run.firstByteMs() < 0 ? ", without printing anything: the kernel crashed or"
                        + " panicked before its console came up" : ""));
            }
        } else if (!report.ended()) {
            failures.add("the init started but the VM ended (status " + run.exitCode() + ") before its report"
                    + " was complete");
        } else if (doneStatus != null && run.exitCode() != doneStatus) {
            failures.add("the VM ended with status " + run.exitCode() + " instead of " + doneStatus
                    + " after the init's report (exit_via=" + report.get("exit_via") + ")");
        }

        Map<String, Object> guest = new LinkedHashMap<>();
        guest.put("release", report.release());
        guest.put("linuxVersion", report.linuxVersion());
        guest.put("memTotalKb", report.number("mem_total_kb"));
        guest.put("memAvailableKb", report.number("mem_available_kb"));
        List<Map<String, Object>> virtio = new ArrayList<>();
        for (var d : report.virtioDevices()) {
            virtio.add(Map.of("device", d.name(), "id", d.id(), "type", VIRTIO_NAMES.getOrDefault(d.id(), "?"),
                    "driver", d.driver()));
        }
        guest.put("virtio", virtio);
        guest.put("filesystems", List.copyOf(report.filesystems()));
        guest.put("facts", report.facts());
        details.put("guest", guest);
        if (report.started()) {
            summary.add("guest: " + (report.linuxVersion() != null ? report.linuxVersion()
                    : "release " + report.release()));
            summary.add(String.format("memory: MemTotal %d MiB, MemAvailable %d MiB",
                    report.number("mem_total_kb") / 1024, report.number("mem_available_kb") / 1024));
            summary.add("virtio: " + String.join(", ", report.virtioDevices().stream()
                    .map(d -> VIRTIO_NAMES.getOrDefault(d.id(), "id " + d.id()) + "=" + d.driver()).toList()));
        }

        if (report.ended()) {
            List<FeatureCheck> checks = FeatureCheck.check(features, config, report);
            List<Map<String, Object>> fs = new ArrayList<>();
            List<String> notClaimed = new ArrayList<>();
            int present = 0;
            for (FeatureCheck c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("feature", c.feature().name());
                m.put("options", c.feature().options());
                m.put("expected", c.expected());
                m.put("present", c.present());
                m.put("detail", c.detail());
                fs.add(m);
                if (c.failed()) {
                    failures.add("feature " + c.describe());
                } else if (c.expected()) {
                    present++;
                } else {
                    notClaimed.add(c.feature().name() + " (" + String.join(", ", c.feature().options().stream()
                            .filter(opt -> config != null && !config.containsKey(opt)).map(opt -> "CONFIG_" + opt)
                            .toList()) + " off)");
                }
            }
            details.put("features", fs);
            if (!features.isEmpty()) {
                summary.add("features: " + present + " present, " + checks.stream().filter(FeatureCheck::failed).count()
                        + " missing" + (notClaimed.isEmpty() ? "" : ", not claimed by the config: "
                        + String.join(", ", notClaimed)) + (config == null ? " (no kernel config: every"
                        + " feature expected)" : ""));
            }
        }
        if (!failures.isEmpty()) {
            details.put("consoleTail", run.tail());
            if (!run.stderr().isBlank()) {
                details.put("stderr", run.stderr());
            }
        }
    }

    static SmokeResult finish(String step, List<String> failures, List<String> summary, Map<String, Object> details,
                              List<Artifact> artifacts, VmRun run) {
        List<String> lines = new ArrayList<>(summary);
        for (String f : failures) {
            lines.add("FAILED: " + f);
        }
        if (!failures.isEmpty() && run != null) {
            if (run.tail().isEmpty()) {
                lines.add("no console output");
            } else {
                lines.add("last " + run.tail().size() + " console lines:");
                run.tail().forEach(l -> lines.add("| " + l));
            }
            if (run.firstByteMs() < 0 && !run.stderr().isBlank()) {
                lines.add("stderr:");
                run.stderr().lines().limit(20).forEach(l -> lines.add("| " + l));
            }
        }
        details.put("failures", List.copyOf(failures));
        return new SmokeResult(step, failures.isEmpty(), null, failures, lines, details, artifacts, run);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String ms(long v) {
        return v < 0 ? "never" : v + " ms";
    }
}
