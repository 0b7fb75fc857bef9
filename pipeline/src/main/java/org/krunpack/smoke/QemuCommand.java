package org.krunpack.smoke;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line that boots the library's kernel: a microvm without ACPI (this kernel has
 * none: QEMU then announces the virtio-mmio devices on the command line), the virtio console as
 * the only console, a virtio-blk root, and isa-debug-exit for the init's exit status.
 *
 * @param qemu        the QEMU binary
 * @param accelerator the chosen accelerator
 * @param kernel      the ELF made by {@link QemuElf}
 * @param rootImage   the ext4 root image
 * @param pidFile     where QEMU writes its pid
 * @param vsock       add vhost-vsock (needs /dev/vhost-vsock)
 */
public record QemuCommand(String qemu, Accelerator accelerator, Path kernel, Path rootImage, Path pidFile,
                          boolean vsock) {
    /** The kernel command line (QEMU appends the virtio_mmio.device= entries). */
    public static final String APPEND = "console=hvc0 root=/dev/vda rw init=/init panic=-1 reboot=t";
    /**
     * QEMU's exit status when our init writes 0x10 to isa-debug-exit: {@code (0x10 << 1) | 1}. (Only
     * when the kernel has ioperm; otherwise the init reboots and QEMU exits 0.)
     */
    public static final int INIT_DONE_STATUS = (0x10 << 1) | 1;

    public List<String> args() {
        List<String> a = new ArrayList<>();
        a.add(qemu);
        a.addAll(accelerator.qemuArgs());
        a.addAll(List.of("-M", "microvm,acpi=off", "-m", "512", "-smp", "1",
                "-nodefaults", "-no-user-config", "-display", "none", "-serial", "none", "-monitor", "none",
                "-no-reboot",
                "-kernel", kernel.toString(), "-append", APPEND,
                "-device", "virtio-serial-device", "-chardev", "stdio,id=c0", "-device", "virtconsole,chardev=c0",
                "-drive", "file=" + rootImage.toString().replace(",", ",,") + ",format=raw,if=none,id=r", "-device", "virtio-blk-device,drive=r",
                "-device", "virtio-rng-device", "-device", "virtio-balloon-device",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"));
        if (vsock) {
            a.addAll(List.of("-device", "vhost-vsock-device,guest-cid=3"));
        }
        a.addAll(List.of("-pidfile", pidFile.toString()));
        return a;
    }
}
