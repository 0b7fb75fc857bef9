package org.krunpack.bundle;

import org.krunpack.project.Arch;
import org.krunpack.project.Project;
import org.krunpack.project.Variant;

import java.nio.file.Path;

/**
 * What to bundle.
 *
 * @param image   the kernel image: vmlinux (x86_64) or the raw Image (aarch64, riscv64)
 * @param arch    target architecture
 * @param variant generic, sev or tdx
 * @param version libkrunfw's full version (file name {@code libkrunfw.so.<version>})
 * @param abi     the ABI version (SONAME {@code libkrunfw.so.<abi>}, {@code krunfw_get_version()})
 * @param outDir  the output root; the library lands in {@code <outDir>/bundle/}
 * @param qboot   the qboot firmware (SEV/TDX only, else null)
 * @param initrd  the initrd (SEV/TDX only, else null)
 */
public record BundleRequest(Path image, Arch arch, Variant variant, String version, int abi, Path outDir,
                            Path qboot, Path initrd) {

    /** A request for the project's arch, variant and versions. */
    public static BundleRequest of(Project project, Path image, Path outDir, Path qboot, Path initrd) {
        return new BundleRequest(image, project.arch(), project.variant(), project.libkrunfw().version(),
                project.libkrunfw().abi(), outDir, qboot, initrd);
    }

    /** {@code libkrunfw[-variant].so.<abi>}. */
    public String soname() {
        return variant.libraryBaseName() + ".so." + abi;
    }

    /** {@code libkrunfw[-variant].so.<version>}. */
    public String libraryFileName() {
        return variant.libraryBaseName() + ".so." + version;
    }

    /** {@code libkrunfw[-variant].so}, the development link. */
    public String devLinkName() {
        return variant.libraryBaseName() + ".so";
    }

    /** True for the confidential-computing variants, which also carry qboot and an initrd. */
    public boolean tee() {
        return variant != Variant.GENERIC;
    }
}
