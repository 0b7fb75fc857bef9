package org.krunpack.review;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
            String pkg = f.packages().isEmpty() ? "libkrun" : f.packages().replace(".*", "libkrunfw").replace("(-[a-z0-9]+)?", "");
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
    void splitsOneRunsMessagesPerFile(@TempDir Path dir) throws Exception {
        Path fake = script(dir, """
                cat <<'OUT'
                ============================ rpmlint session starts ============================
                libkrunfw.spec:12: W: macro-in-comment %check
                libkrunfw.x86_64: E: zero-length /usr/lib64/x
                libkrunfw.src: W: strange-permission lib.c 600
                libkrunfw-devel.x86_64: W: no-documentation
                 2 packages and 1 specfiles checked; 1 errors, 3 warnings, 1 badness; has taken 0.1 s
                OUT
                exit 64
                """);
        Path spec = dir.resolve("libkrunfw.spec");
        Path rpm = dir.resolve("a.rpm");
        Path srpm = dir.resolve("a.src.rpm");
        Path devel = dir.resolve("d.rpm");
        Map<Path, String> files = new java.util.LinkedHashMap<>();
        files.put(spec, "libkrunfw.spec");
        files.put(rpm, "libkrunfw.x86_64");
        files.put(srpm, "libkrunfw.src");
        files.put(devel, "libkrunfw-devel.x86_64");
        Map<Path, Rpmlint.Run> runs = new Rpmlint(Optional.of(fake)).runAll(dir.resolve("cfg.toml"), files);
        assertThat(runs.get(spec).messages()).extracting(Rpmlint.Message::id).containsExactly("macro-in-comment");
        assertThat(runs.get(rpm).messages()).extracting(Rpmlint.Message::severity).containsExactly("E");
        assertThat(runs.get(srpm).messages()).extracting(Rpmlint.Message::id).containsExactly("strange-permission");
        assertThat(runs.get(devel).messages()).extracting(Rpmlint.Message::id).containsExactly("no-documentation");
        assertThat(Review.lintFinding(runs.get(rpm), "a.rpm").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(Review.lintFinding(runs.get(rpm), "a.rpm").evidence())
                .containsExactly("libkrunfw.x86_64: zero-length /usr/lib64/x");
        assertThat(Review.lintFinding(runs.get(spec), "libkrunfw.spec").verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void aCrashingRpmlintIsNotEvaluatedNeverPassed(@TempDir Path dir) throws Exception {
        Path fake = script(dir, "echo 'Traceback (most recent call last):' >&2\nexit 1\n");
        Path spec = dir.resolve("x.spec");
        Rpmlint.Run run = new Rpmlint(Optional.of(fake)).run(dir.resolve("cfg.toml"), spec);
        assertThat(run.ran()).isFalse();
        assertThat(run.why()).contains("exited 1 without a report", "Traceback");
        assertThat(Review.lintFinding(run, "x.spec").verdict()).isEqualTo(Verdict.NOT_EVALUATED);
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
