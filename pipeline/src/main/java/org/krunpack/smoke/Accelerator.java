package org.krunpack.smoke;

import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Which QEMU accelerator boots the kernel, and why. Hardware KVM is used only when it can run an
 * unmodified kernel: {@code kvm_intel} or {@code kvm_amd} loaded and {@code /dev/kvm} readable and
 * writable. {@code kvm_pvm} (a paravirtual KVM for nested guests) cannot: there TCG is used.
 *
 * @param name     "kvm" or "tcg"
 * @param qemuArgs the QEMU arguments selecting it
 * @param reason   one line saying why this accelerator was chosen
 */
public record Accelerator(String name, List<String> qemuArgs, String reason) {
    /** What the user asked for ({@code --accel}). */
    public enum Mode { auto, kvm, tcg }

    /** Default timeout (boot to the end of the report and the VM's exit) per accelerator. */
    public Duration defaultTimeout() {
        return isKvm() ? Duration.ofSeconds(20) : Duration.ofSeconds(60);
    }

    public boolean isKvm() {
        return name.equals("kvm");
    }

    static Accelerator kvm(String reason) {
        return new Accelerator("kvm", List.of("-enable-kvm", "-cpu", "host"), reason);
    }

    static Accelerator tcg(String reason) {
        return new Accelerator("tcg", List.of("-accel", "tcg", "-cpu", "max"), reason);
    }

    /** Decides on this host ({@code /sys/module}, {@code /dev/kvm}). */
    public static Accelerator choose(Mode mode) {
        return choose(mode, Path.of("/sys/module"), Path.of("/dev/kvm"));
    }

    /**
     * Decides from the given module directory and KVM device (injectable for tests).
     *
     * @throws KrunpackException usage (exit 2) when {@code mode} is kvm and KVM is not usable
     */
    public static Accelerator choose(Mode mode, Path sysModule, Path devKvm) {
        if (mode == Mode.tcg) {
            return tcg("TCG requested (--accel tcg)");
        }
        String unusable = kvmUnusable(sysModule, devKvm);
        if (unusable == null) {
            String module = Files.isDirectory(sysModule.resolve("kvm_intel")) ? "kvm_intel" : "kvm_amd";
            return kvm(mode == Mode.kvm ? "KVM requested (--accel kvm); " + module + " is loaded and "
                    + devKvm + " is read-write"
                    : "hardware KVM (" + module + ") and a read-write " + devKvm + ": using KVM");
        }
        if (mode == Mode.kvm) {
            throw KrunpackException.usage("--accel kvm: " + unusable
                    + "; use --accel auto (or tcg) to boot under TCG");
        }
        return tcg(unusable + ": using TCG");
    }

    /** Why hardware KVM cannot boot an unmodified kernel here, or null when it can. */
    static String kvmUnusable(Path sysModule, Path devKvm) {
        boolean hardware = Files.isDirectory(sysModule.resolve("kvm_intel"))
                || Files.isDirectory(sysModule.resolve("kvm_amd"));
        boolean pvm = Files.isDirectory(sysModule.resolve("kvm_pvm"));
        if (!Files.exists(devKvm)) {
            return "no " + devKvm + (pvm && !hardware
                    ? " (and the KVM module here is kvm_pvm, which cannot run an unmodified kernel)" : "");
        }
        if (!hardware) {
            return pvm ? devKvm + " is kvm_pvm, which cannot run an unmodified kernel"
                    : devKvm + " exists but neither kvm_intel nor kvm_amd is loaded";
        }
        if (!Files.isReadable(devKvm) || !Files.isWritable(devKvm)) {
            return devKvm + " is not writable by this user (join the kvm group)";
        }
        return null;
    }
}
