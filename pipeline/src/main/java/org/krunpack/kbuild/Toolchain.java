package org.krunpack.kbuild;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The compiler that builds the kernel for an arch: the host gcc for the host's arch, else a cross
 * gcc ({@code CROSS_COMPILE}, named in the project file or found on the PATH), and the make
 * arguments that select it.
 *
 * @param arch         the target
 * @param crossCompile the CROSS_COMPILE prefix ("" for a native build)
 * @param gcc          the gcc binary (resolved)
 * @param ccache       whether compiles go through ccache
 */
public record Toolchain(Arch arch, String crossCompile, Path gcc, boolean ccache) {
    /** Debian and Fedora package names of the cross compilers, for messages. */
    private static final java.util.Map<Arch, String[]> PACKAGES = java.util.Map.of(
            Arch.AARCH64, new String[] {"gcc-aarch64-linux-gnu", "gcc-aarch64-linux-gnu"},
            Arch.RISCV64, new String[] {"gcc-riscv64-linux-gnu", "gcc-riscv64-linux-gnu"},
            Arch.X86_64, new String[] {"gcc-x86-64-linux-gnu", "gcc-x86_64-linux-gnu"});

    /** The arch of the machine krunpack runs on, or null when it is none of ours. */
    public static Arch hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> Arch.X86_64;
            case "aarch64", "arm64" -> Arch.AARCH64;
            case "riscv64" -> Arch.RISCV64;
            default -> null;
        };
    }

    /**
     * Finds the toolchain.
     *
     * @param crossCompile the project's build.crossCompile, or null to pick one
     * @param ccacheMode   auto | on | off
     * @throws KrunpackException usage (2) naming what to install or set when no compiler is found
     */
    public static Toolchain find(Arch arch, String crossCompile, String ccacheMode) {
        String prefix = crossCompile;
        if (prefix == null) {
            prefix = arch == hostArch() ? "" : arch.rpmName() + "-linux-gnu-";
        }
        Optional<Path> gcc = Tools.which(prefix + "gcc");
        if (gcc.isEmpty()) {
            String[] pkg = PACKAGES.get(arch);
            throw KrunpackException.usage("no compiler for " + arch.rpmName() + ": " + prefix + "gcc is not on the PATH;"
                    + (prefix.isEmpty() ? " install gcc" : " install the cross compiler (Debian: apt-get install "
                    + pkg[0] + "; Fedora: dnf install " + pkg[1] + ")") + " or set build.crossCompile in the project"
                    + " file to the prefix of the one you have");
        }
        boolean useCcache = switch (ccacheMode) {
            case "off" -> false;
            case "on" -> {
                Tools.require("ccache", "ccache", "ccache");
                yield true;
            }
            default -> Tools.which("ccache").isPresent();
        };
        return new Toolchain(arch, prefix, gcc.get(), useCcache);
    }

    /** make's arguments selecting the arch and compiler. */
    public List<String> makeArgs() {
        List<String> args = new ArrayList<>();
        args.add("ARCH=" + arch.kernelArch());
        if (!crossCompile.isEmpty()) {
            args.add("CROSS_COMPILE=" + crossCompile);
        }
        if (ccache) {
            args.add("CC=ccache " + crossCompile + "gcc");
        }
        return args;
    }

    /**
     * What identifies the compiler without running it (its path, size and modification time): part
     * of the inputs of every step whose output depends on it (Kconfig records the compiler's version
     * in the config).
     */
    public String identity() {
        try {
            Path real = gcc.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            return real + " " + a.size() + " " + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return gcc.toString();
        }
    }
}
