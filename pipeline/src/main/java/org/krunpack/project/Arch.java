package org.krunpack.project;

/** Target architectures: the RPM name, the kernel's ARCH and the image the build produces. */
public enum Arch {
    X86_64("x86_64", "x86_64", "vmlinux", "vmlinux"),
    AARCH64("aarch64", "arm64", "Image", "arch/arm64/boot/Image"),
    RISCV64("riscv64", "riscv", "Image", "arch/riscv/boot/Image");

    private final String rpmName;
    private final String kernelArch;
    private final String makeTarget;
    private final String imagePath;

    Arch(String rpmName, String kernelArch, String makeTarget, String imagePath) {
        this.rpmName = rpmName;
        this.kernelArch = kernelArch;
        this.makeTarget = makeTarget;
        this.imagePath = imagePath;
    }

    /** The name RPM and libkrunfw use: x86_64, aarch64, riscv64. */
    public String rpmName() {
        return rpmName;
    }

    /** The kernel's ARCH= value. */
    public String kernelArch() {
        return kernelArch;
    }

    /** The make target that produces the image. */
    public String makeTarget() {
        return makeTarget;
    }

    /** The image's path in the kernel tree after the build. */
    public String imagePath() {
        return imagePath;
    }

    public static Arch parse(String s) {
        for (Arch a : values()) {
            if (a.rpmName.equals(s)) {
                return a;
            }
        }
        return null;
    }
}
