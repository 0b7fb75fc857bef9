package org.krunpack.kbuild;

import org.junit.jupiter.api.Test;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ToolchainTest {
    @Test
    void aCrossCompilerThatIsNotInstalledIsAUsageErrorNamingThePackagesAndTheSetting() {
        KrunpackException e = catchThrowableOfType(() -> Toolchain.find(Arch.AARCH64, "krunpack-nonexistent-linux-gnu-",
                "off"), KrunpackException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.getMessage()).contains("krunpack-nonexistent-linux-gnu-gcc is not on the PATH",
                "apt-get install gcc-aarch64-linux-gnu", "dnf install gcc-aarch64-linux-gnu", "build.crossCompile");
    }

    @Test
    void aForeignArchGetsItsCrossPrefixAndMakeArguments() {
        Toolchain native_ = new Toolchain(Arch.X86_64, "", java.nio.file.Path.of("/usr/bin/gcc"), false);
        assertThat(native_.makeArgs()).containsExactly("ARCH=x86_64");
        Toolchain arm = new Toolchain(Arch.AARCH64, "aarch64-linux-gnu-",
                java.nio.file.Path.of("/usr/bin/aarch64-linux-gnu-gcc"), true);
        assertThat(arm.makeArgs()).containsExactly("ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-",
                "CC=ccache aarch64-linux-gnu-gcc");
        Toolchain riscv = new Toolchain(Arch.RISCV64, "riscv64-linux-gnu-",
                java.nio.file.Path.of("/usr/bin/riscv64-linux-gnu-gcc"), false);
        assertThat(riscv.makeArgs()).containsExactly("ARCH=riscv", "CROSS_COMPILE=riscv64-linux-gnu-");
    }
}
