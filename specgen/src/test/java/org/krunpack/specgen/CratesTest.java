package org.krunpack.specgen;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Cargo.lock/Cargo.toml reader and the rust2rpm-style requirement writer. */
class CratesTest {
    @Property
    void aLockWrittenAsCargoWritesItReadsBackPackageForPackage(
            @ForAll @Size(max = 20) List<@AlphaChars @StringLength(min = 1, max = 12) String> names,
            @ForAll @IntRange(max = 99) int minor) {
        StringBuilder lock = new StringBuilder("# generated\nversion = 4\n\n");
        List<Crates.Locked> expected = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).toLowerCase() + "-" + i;
            String v = "0." + minor + "." + i;
            boolean registry = i % 3 != 0;
            lock.append("[[package]]\nname = \"").append(n).append("\"\nversion = \"").append(v).append("\"\n");
            if (registry) {
                lock.append("source = \"registry+https://github.com/rust-lang/crates.io-index\"\n")
                        .append("checksum = \"00ff\"\n");
            }
            lock.append("dependencies = [\n \"x\",\n]\n\n");
            expected.add(new Crates.Locked(n, v, registry ? "registry+https://github.com/rust-lang/crates.io-index" : ""));
        }
        assertThat(Crates.parseLock(lock.toString())).isEqualTo(expected);
    }

    @Property
    void aCaretRangeExcludesExactlyTheNextIncompatibleVersion(@ForAll @IntRange(max = 30) int major,
                                                               @ForAll @IntRange(max = 30) int minor,
                                                               @ForAll @IntRange(max = 30) int patch) {
        String v = major + "." + minor + "." + patch;
        String next = Crates.caretNext(v);
        String expected = major > 0 ? (major + 1) + ".0.0" : minor > 0 ? "0." + (minor + 1) + ".0" : "0.0." + (patch + 1);
        assertThat(next).isEqualTo(expected);
        assertThat(Crates.requirement("x/default", v))
                .isEqualTo("(crate(x/default) >= " + v + " with crate(x/default) < " + next + "~)");
    }

    @Test
    void manifestDependenciesResolveRenamesFeaturesPathsAndPlatforms() {
        String toml = """
                [package]
                name = "demo"
                version = "0.1.0"

                [dependencies]
                log = "0.4.0"
                pw = { package = "pipewire", version = "0.9.2", optional = true }
                nix = { version = "0.30.1", default-features = false, features = ["ioctl", "fs"] }
                own = { package = "demo-own", version = "=0.1.0", path = "../own" }
                libc = ">=0.2.39"

                [target.'cfg(target_os = "macos")'.dependencies]
                hvf = "1.0"

                [target.'cfg(target_os = "linux")'.dependencies]
                caps = "0.5"

                [dev-dependencies]
                proptest = "1"
                """;
        List<String> br = Crates.buildRequires(Crates.parseManifest(toml));
        assertThat(br).containsExactly(
                "(crate(caps/default) >= 0.5.0 with crate(caps/default) < 0.6.0~)",
                "(crate(log/default) >= 0.4.0 with crate(log/default) < 0.5.0~)",
                "(crate(nix/fs) >= 0.30.1 with crate(nix/fs) < 0.31.0~)",
                "(crate(nix/ioctl) >= 0.30.1 with crate(nix/ioctl) < 0.31.0~)",
                "(crate(pipewire/default) >= 0.9.2 with crate(pipewire/default) < 0.10.0~)",
                "crate(libc/default) >= 0.2.39");
    }
}
