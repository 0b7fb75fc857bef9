package org.krunpack.testing;

import org.junit.jupiter.api.Test;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;

import java.nio.file.Files;
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
}
