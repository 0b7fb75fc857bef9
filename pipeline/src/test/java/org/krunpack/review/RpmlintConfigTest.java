package org.krunpack.review;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;
import org.krunpack.testing.Golden;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class RpmlintConfigTest {
    @Test
    void configMatchesGolden() {
        Golden.assertMatches("review/rpmlint-fedora.toml", Rpmlint.config(Licenses.fedora()));
    }

    @Test
    void everyFilterHasAReasonAndMatchesOnlyItsMessage() {
        for (Rpmlint.Filter f : Rpmlint.FILTERS) {
            assertThat(f.reason()).isNotBlank();
            Pattern p = Pattern.compile(f.regex());
            String pkg = f.packages().isEmpty() ? "libkrun" : f.packages().replace(".*", "libkrunfw").replace("(-[a-z0-9]+)?", "")
                    .replace("(krun|wasm)", "krun");
            assertThat(p.matcher(pkg + ".x86_64: E: " + f.id() + " /usr/lib64/x").find()).as(f.regex()).isTrue();
            assertThat(p.matcher(pkg + ".x86_64: E: " + f.id() + "-other").find()).isFalse();
        }
        Pattern scoped = Pattern.compile(Rpmlint.FILTERS.stream()
                .filter(f -> f.id().equals("shared-library-without-dependency-information")).findFirst().orElseThrow().regex());
        assertThat(scoped.matcher("libkrun.x86_64: E: shared-library-without-dependency-information /x").find())
                .as("scoped to libkrunfw").isFalse();
    }

    private static Path script(Path dir, String body) throws java.io.IOException {
        Path p = dir.resolve("rpmlint");
        java.nio.file.Files.writeString(p, "#!/bin/sh\n" + body);
        p.toFile().setExecutable(true);
        return p;
    }

    @Test
    @Tag("tools") // bubblewrap
    void eachFileHasItsOwnRunInTheSandboxAndKeepsItsMessages(@TempDir Path dir) throws Exception {
        // A stand-in rpmlint answering per file (its last argument), as the real one does per package.
        Path fake = script(dir, """
                case "$3" in
                *.spec) echo 'libkrunfw.spec:12: W: macro-in-comment %check' ;;
                *a.rpm) echo 'libkrunfw.x86_64: E: zero-length /usr/lib64/x' ;;
                *.src.rpm) echo 'libkrunfw.src: W: strange-permission lib.c 600' ;;
                esac
                echo "HOME=$HOME" >&2
                echo ' 1 packages and 0 specfiles checked; 1 errors, 0 warnings, 1 badness; has taken 0.1 s'
                exit 64
                """);
        Path cfg = Rpmlint.writeConfig(dir.resolve("cfg"), Licenses.fedora());
        Rpmlint lint = new Rpmlint(Optional.of(fake));
        Sandbox sandbox = Sandbox.forInputs(false);
        Rpmlint.Run spec = lint.run(cfg, dir.resolve("libkrunfw.spec"), sandbox);
        Rpmlint.Run rpm = lint.run(cfg, dir.resolve("a.rpm"), sandbox);
        Rpmlint.Run srpm = lint.run(cfg, dir.resolve("b.src.rpm"), sandbox);
        assertThat(spec.messages()).extracting(Rpmlint.Message::id).containsExactly("macro-in-comment");
        assertThat(rpm.messages()).extracting(Rpmlint.Message::severity).containsExactly("E");
        assertThat(srpm.messages()).extracting(Rpmlint.Message::id).containsExactly("strange-permission");
        assertThat(Review.lintFinding(rpm, "a.rpm").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(Review.lintFinding(rpm, "a.rpm").evidence()).containsExactly("libkrunfw.x86_64: zero-length /usr/lib64/x");
        assertThat(Review.lintFinding(spec, "libkrunfw.spec").verdict()).isEqualTo(Verdict.PASS);
    }

    /**
     * The real rpmlint with krunpack's Fedora config on the checked-in specs and the generated
     * goldens of both profiles: no error and no
     * warning but those docs/specs.md lists with their reasons (libkrun's vendor tarball is made
     * from Source0 and has no URL; crun's virtual {@code oci-runtime} is unversioned as in every
     * runtime). A stray macro in a template comment once gave {@code macro-in-comment}.
     */
    @Test
    @Tag("tools") // rpmlint, bubblewrap
    void theCheckedInAndGoldenSpecsOfBothProfilesLintCleanWithTheFedoraConfig(@TempDir Path dir) {
        Rpmlint lint = Rpmlint.fromPath();
        assertThat(lint.available()).as("rpmlint on the PATH (scripts/setup-deps installs it)").isTrue();
        Path cfg = Rpmlint.writeConfig(dir.resolve("cfg"), Licenses.fedora());
        Path root = org.krunpack.testing.RealFixtures.repoRoot();
        Path golden = root.resolve("pipeline/src/test/resources/golden/specs");
        // the checked-in specs (strict) and the goldens of both profiles
        List<Path> dirs = List.of(root.resolve("rpm"), golden.resolve("strict"), golden.resolve("dist-git"),
                golden.resolve("project/strict"), golden.resolve("project/dist-git"));
        int linted = 0;
        for (Path d : dirs) {
            for (String pkg : List.of("libkrunfw", "libkrun", "crun")) {
                Path spec = d.resolve(pkg + ".spec");
                if (!java.nio.file.Files.exists(spec)) {
                    continue; // the project goldens hold libkrunfw only
                }
                Rpmlint.Run run = lint.run(cfg, spec, Sandbox.forInputs(false));
                assertThat(run.ran()).as("%s: %s", spec, run.why()).isTrue();
                var unexpected = run.messages().stream().filter(m -> !documented(pkg, m)).toList();
                assertThat(unexpected).as("rpmlint on %s", root.relativize(spec)).isEmpty();
                linted++;
            }
        }
        assertThat(linted).isEqualTo(11);
    }

    private static boolean documented(String pkg, Rpmlint.Message m) {
        return pkg.equals("libkrun") && m.id().equals("invalid-url") && m.text().endsWith("-vendor.tar.xz")
                || pkg.equals("crun") && m.id().equals("unversioned-explicit-provides")
                && m.text().endsWith(" oci-runtime");
    }

    @Test
    @Tag("tools") // bubblewrap
    void aCrashingRpmlintIsNotEvaluatedNeverPassed(@TempDir Path dir) throws Exception {
        Path fake = script(dir, "echo 'Traceback (most recent call last):' >&2\nexit 1\n");
        Path cfg = Rpmlint.writeConfig(dir.resolve("cfg"), Licenses.fedora());
        Rpmlint.Run run = new Rpmlint(Optional.of(fake)).run(cfg, dir.resolve("x.spec"), Sandbox.forInputs(false));
        assertThat(run.ran()).isFalse();
        assertThat(run.why()).contains("exit 1 without a report", "Traceback");
        assertThat(Review.lintFinding(run, "x.spec").verdict()).isEqualTo(Verdict.NOT_EVALUATED);
    }

    @Test
    @Tag("tools") // bubblewrap
    void withoutASandboxRpmlintIsNotRunUnlessTrusted(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        Path fake = script(dir, "touch " + marker + "\necho ' 0 packages and 1 specfiles checked; 0 errors'\n");
        Path cfg = Rpmlint.writeConfig(dir.resolve("cfg"), Licenses.fedora());
        System.setProperty(Sandbox.SWITCH_PROPERTY, "off");
        try {
            Sandbox.resetProbe();
            Rpmlint.Run run = new Rpmlint(Optional.of(fake)).run(cfg, dir.resolve("x.spec"), Sandbox.forInputs(false));
            assertThat(run.ran()).isFalse();
            assertThat(run.why()).contains("no sandbox", "--trust-inputs");
            assertThat(marker).doesNotExist();
            assertThat(new Rpmlint(Optional.of(fake)).run(cfg, dir.resolve("x.spec"), Sandbox.forInputs(true)).ran())
                    .isTrue();
            assertThat(marker).exists();
        } finally {
            System.clearProperty(Sandbox.SWITCH_PROPERTY);
            Sandbox.resetProbe();
        }
    }

    @Test
    @Tag("tools")
    void rpmlintAcceptsTheGeneratedConfig(@TempDir Path dir) {
        Path cfg = Rpmlint.writeConfig(dir, Licenses.fedora());
        Tools.Result r = Tools.check(List.of("rpmlint", "-c", cfg.toString(), "-p"), null, Map.of());
        assertThat(r.stdout()).contains("\"GPL-2.0-only\"", "\"LGPL-2.1-only\"", "\"Linux-syscall-note\"",
                ": [EW]: no-signature(\\\\s|$)");
    }
}
