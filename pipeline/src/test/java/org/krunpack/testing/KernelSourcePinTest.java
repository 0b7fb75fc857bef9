package org.krunpack.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/setup-deps installs Debian's linux-source-6.12 at one version, because Debian's archive
 * moves the package to every new stable release (6.12.118 replaced 6.12.117 as the default while
 * krunpack.yaml still pinned .117's digest: every kernel test failed). The pinned package version,
 * krunpack.yaml's kernel.version and the digest the project file and the tests pin must move
 * together.
 */
class KernelSourcePinTest {
    private static final Pattern PIN = Pattern.compile("(?m)^debian_kernel_version=(\\d+\\.\\d+\\.\\d+)-\\S+$");

    @Test
    void setupDepsInstallsTheKernelVersionTheProjectBuildsAndPins() throws Exception {
        String script = Files.readString(RealFixtures.repoRoot().resolve("scripts/setup-deps"));
        Matcher m = PIN.matcher(script);
        assertThat(m.find()).as("scripts/setup-deps sets debian_kernel_version=<upstream>-<debian revision>").isTrue();
        Project project = ProjectLoader.load(RealFixtures.repoRoot().resolve("krunpack.yaml"));
        assertThat(m.group(1)).as("setup-deps' linux-source-6.12 version vs krunpack.yaml kernel.version")
                .isEqualTo(project.kernelVersion());
        var debian = project.kernelSources().stream()
                .filter(s -> s.path() != null && s.path().equals(RealFixtures.DEBIAN_KERNEL)).findFirst();
        assertThat(debian).as("krunpack.yaml names %s as a kernel source", RealFixtures.DEBIAN_KERNEL).isPresent();
        assertThat(debian.get().sha512()).as("the digest krunpack.yaml pins vs the tests' (RealFixtures)")
                .isEqualTo(RealFixtures.DEBIAN_KERNEL_SHA512);
    }

    /**
     * On a fresh machine linux-source-6.12 was never installed: dpkg-query fails for it, and under
     * {@code set -o pipefail} that failure once ended setup-deps with exit 1 and no word before it
     * installed anything. dpkg-query and apt-get are stubs here (the first knows every package but
     * the kernel's, the second writes down what it was asked to install).
     */
    @Test
    void onAMachineWithoutTheKernelSourceSetupDepsInstallsThePinnedVersion(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/etc/debian_version")),
                "SKIPPED LOUDLY: setup-deps takes its apt-get branch only on Debian (/etc/debian_version); "
                        + "this machine is not Debian, so the Debian branch cannot be exercised here");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path asked = dir.resolve("apt-get.args");
        stub(bin.resolve("dpkg-query"), """
                #!/bin/sh
                for last; do :; done
                if [ "$last" = linux-source-6.12 ]; then
                  echo "dpkg-query: no packages found matching $last" >&2; exit 1
                fi
                printf 'install ok installed'
                """);
        stub(bin.resolve("apt-get"), "#!/bin/sh\necho \"$@\" >> '" + asked + "'\n");
        stub(bin.resolve("sudo"), "#!/bin/sh\nexec \"$@\"\n"); // a non-root run must not reach the real apt-get
        stub(bin.resolve("cargo"), "#!/bin/sh\necho 'cargo 1.80.0'\n");
        ProcessBuilder pb = new ProcessBuilder("bash", RealFixtures.repoRoot().resolve("scripts/setup-deps").toString())
                .redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("setup-deps' exit code; its output:%n%s", out).isZero();
        Matcher m = PIN.matcher(Files.readString(RealFixtures.repoRoot().resolve("scripts/setup-deps")));
        assertThat(m.find()).isTrue();
        String pinned = "linux-source-6.12=" + m.group().substring(m.group().indexOf('=') + 1);
        assertThat(out).contains("setup: installing with apt-get: " + pinned);
        assertThat(Files.readString(asked)).contains("install", pinned).doesNotContain("--allow-downgrades");
    }

    private static void stub(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
