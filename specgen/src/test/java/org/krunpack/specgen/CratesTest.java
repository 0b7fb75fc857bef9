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
                version = "0.3.2"

                [dependencies]
                tracer = "1.3.0"
                au = { package = "audiolib", version = "0.4.1", optional = true }
                nix = { version = "0.30.1", default-features = false, features = ["ioctl", "fs"] }
                own = { package = "demo-own", version = "=0.1.0", path = "../own" }
                sysc = ">=0.5.7"

                [target.'cfg(target_os = "macos")'.dependencies]
                hvf = "1.0"

                [target.'cfg(target_os = "linux")'.dependencies]
                caps = "0.5"

                [dev-dependencies]
                proptest = "1"
                """;
        List<String> br = Crates.buildRequires(Crates.parseManifest(toml));
        assertThat(br).containsExactly(
                "(crate(audiolib/default) >= 0.4.1 with crate(audiolib/default) < 0.5.0~)",
                "(crate(caps/default) >= 0.5.0 with crate(caps/default) < 0.6.0~)",
                "(crate(nix/fs) >= 0.30.1 with crate(nix/fs) < 0.31.0~)",
                "(crate(nix/ioctl) >= 0.30.1 with crate(nix/ioctl) < 0.31.0~)",
                "(crate(tracer/default) >= 1.3.0 with crate(tracer/default) < 2.0.0~)",
                "crate(sysc/default) >= 0.5.7");
    }

    @Property
    void rpmVersionsOfSemVerHoldNoDashAndKeepPreReleasesBeforeTheRelease(
            @ForAll @IntRange(max = 40) int major, @ForAll @IntRange(max = 40) int minor,
            @ForAll @IntRange(max = 40) int patch,
            @ForAll @StringLength(max = 8) @AlphaChars String pre,
            @ForAll @StringLength(max = 8) @AlphaChars String build) {
        String v = major + "." + minor + "." + patch + (pre.isEmpty() ? "" : "-" + pre + "-1")
                + (build.isEmpty() ? "" : "+" + build + "-0.2");
        String rpm = Crates.rpmVersion(v);
        assertThat(rpm).doesNotContain("-").startsWith(major + "." + minor + "." + patch);
        assertThat(RpmGrammar.checkVersion(rpm)).isEmpty();
        if (!pre.isEmpty()) {
            assertThat(rpm).contains("~" + pre + "_1");
        }
    }

    @Test
    void realSemVerShapesBecomeRpmVersions() {
        assertThat(Crates.rpmVersion("1.0.2+wasi-0.2.9")).isEqualTo("1.0.2+wasi_0.2.9");
        assertThat(Crates.rpmVersion("0.1.0-rc.1")).isEqualTo("0.1.0~rc.1");
        assertThat(Crates.rpmVersion("2.11.0")).isEqualTo("2.11.0");
    }

    @Test
    void featuresSpanningLinesAndCommentsAreRead() {
        String toml = """
                [package]
                name = "m"

                [features]
                default = ["a"]
                gpu = [
                  "dep:x",   # the renderer
                  "y/z",
                ]
                "quoted" = []
                """;
        assertThat(Crates.parseFeatures(toml)).containsExactly(
                java.util.Map.entry("default", List.of("a")),
                java.util.Map.entry("gpu", List.of("dep:x", "y/z")),
                java.util.Map.entry("quoted", List.of()));
    }

    @Test
    void aBuildNeedsTheOptionalCratesOnlyOfTheFeaturesItTurnsOnAndNothingOfMembersItDoesNotReach() {
        Crates.Member root = Crates.Member.parse("""
                [package]
                name = "lib"
                version = "1.0.0"

                [features]
                snd = ["dev/snd"]
                gpu = ["dep:render", "dev/gpu"]
                aws-nitro = ["dep:nitro"]

                [dependencies]
                tracer = "1.3"
                render = { version = "0.3", optional = true }
                dev = { path = "../dev" }
                nitro = { path = "../nitro", optional = true }
                """);
        Crates.Member dev = Crates.Member.parse("""
                [package]
                name = "dev"
                version = "0.3.2"

                [features]
                snd = ["au", "errmacro"]
                gpu = ["zerocopy/derive"]

                [dependencies]
                sysc = ">=0.5.7"
                au = { package = "audiolib", version = "0.4.1", optional = true }
                errmacro = { version = "3.1", optional = true }
                zerocopy = { version = "0.8.26", optional = true }
                """);
        Crates.Member nitro = Crates.Member.parse("""
                [package]
                name = "nitro"
                version = "0.3.2"

                [dependencies]
                enclave-api = "0.2.5"
                """);
        List<Crates.Member> ws = List.of(root, dev, nitro);
        assertThat(Crates.buildRequires(ws, "lib", List.of())).containsExactly(
                "(crate(tracer/default) >= 1.3.0 with crate(tracer/default) < 2.0.0~)",
                "crate(sysc/default) >= 0.5.7");
        assertThat(Crates.buildRequires(ws, "lib", List.of("snd")))
                .contains("(crate(audiolib/default) >= 0.4.1 with crate(audiolib/default) < 0.5.0~)",
                        "(crate(errmacro/default) >= 3.1.0 with crate(errmacro/default) < 4.0.0~)")
                .noneMatch(l -> l.contains("render") || l.contains("zerocopy") || l.contains("nitro"));
        assertThat(Crates.buildRequires(ws, "lib", List.of("gpu")))
                .contains("(crate(render/default) >= 0.3.0 with crate(render/default) < 0.4.0~)",
                        "(crate(zerocopy/derive) >= 0.8.26 with crate(zerocopy/derive) < 0.9.0~)")
                .noneMatch(l -> l.contains("audiolib") || l.contains("nitro"));
        assertThat(Crates.buildRequires(ws, "lib", List.of("aws-nitro")))
                .contains("(crate(enclave-api/default) >= 0.2.5 with crate(enclave-api/default) < 0.3.0~)");
    }

    @Test
    void ofTwoRangesWithOneUpperBoundOnlyTheStricterIsKept() {
        assertThat(Crates.narrowest(new java.util.TreeSet<>(List.of(
                "(crate(b/default) >= 2.9.1 with crate(b/default) < 3.0.0~)",
                "(crate(b/default) >= 2.10.0 with crate(b/default) < 3.0.0~)",
                "(crate(b/default) >= 1.2.0 with crate(b/default) < 2.0.0~)",
                "crate(l/default) >= 0.2.39",
                "crate(l/default) >= 0.2.85"))))
                .containsExactlyInAnyOrder(
                        "(crate(b/default) >= 2.10.0 with crate(b/default) < 3.0.0~)",
                        "(crate(b/default) >= 1.2.0 with crate(b/default) < 2.0.0~)",
                        "crate(l/default) >= 0.2.85");
    }

    @Property
    void theFeaturesOfEachMakeSwitchAreReadBackWhateverTheOrderAndNesting(
            @ForAll @Size(min = 1, max = 8) List<@AlphaChars @StringLength(min = 1, max = 8) String> vars,
            @ForAll boolean nested) {
        StringBuilder mk = new StringBuilder("# made-up Makefile\nCC ?= cc\n");
        java.util.Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        for (int i = 0; i < vars.size(); i++) {
            String var = vars.get(i).toUpperCase() + i;
            List<String> features = List.of("f" + i, "g-" + i);
            expected.put(var, features);
            mk.append("ifeq ($(").append(var).append("),1)\n");
            if (nested) {
                // a conditional inside names no switch of its own; its flags are not the switch's
                mk.append("ifeq ($(OS),Linux)\n    FEATURE_FLAGS += --features ignored").append(i).append("\nendif\n");
            }
            mk.append(i % 2 == 0 ? "    FEATURE_FLAGS += --features " + String.join(",", features) + "\n"
                    : "\tFEATURE_FLAGS := --features " + features.get(0) + " --features " + features.get(1) + " # why\n");
            mk.append("endif\n");
        }
        mk.append("FEATURE_FLAGS += --features outside\n");
        assertThat(Crates.makeFeatures(mk.toString())).isEqualTo(expected);
    }

    @Test
    void makeVariablesMapToTheFeaturesTheirBlocksTurnOn() {
        String mk = """
                ifeq ($(TEE_A),1)
                    VARIANT = -a
                    FEATURE_FLAGS := --features tee-a
                endif
                ifeq ($(DISKS),1)
                    FEATURE_FLAGS += --features disks
                endif
                ifeq ($(BOTH),1)
                	FEATURE_FLAGS := --features one,two
                endif
                ifneq ($(NOPE),)
                    FEATURE_FLAGS += --features never
                endif
                build:
                	cargo build --release $(FEATURE_FLAGS)
                """;
        assertThat(Crates.makeFeatures(mk)).containsExactly(
                java.util.Map.entry("TEE_A", List.of("tee-a")), java.util.Map.entry("DISKS", List.of("disks")),
                java.util.Map.entry("BOTH", List.of("one", "two")));
    }
}
