package org.krunpack.copr;

import org.krunpack.project.CoprSettings;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.testing.Golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of build submission and watching (no HTTP). */
class BuildLogicTest {
    @TempDir
    Path dir;

    @Test
    void srpmsAreOrderedByTheChain() throws IOException {
        List<Path> files = List.of(touch("crun-1.29.1-1.fc42.src.rpm"), touch("libkrun-1.19.0-2.fc42.src.rpm"),
                touch("libkrunfw-5.5.0-1.fc42.src.rpm"));
        assertThat(BuildSubmitter.order(files, CoprSettings.DEFAULT_CHAIN))
                .extracting(BuildSubmitter.Srpm::name).containsExactly("libkrunfw", "libkrun", "crun");
    }

    @Property
    void srpmNamesParse(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String a,
                        @ForAll @AlphaChars @StringLength(min = 1, max = 12) String b,
                        @ForAll @NumericChars @StringLength(min = 1, max = 5) String v,
                        @ForAll @NumericChars @StringLength(min = 1, max = 3) String r) {
        String name = a + "-" + b;
        BuildSubmitter.Srpm s = BuildSubmitter.Srpm.parse(Path.of(name + "-" + v + ".0-" + r + ".fc42.src.rpm"))
                .orElseThrow();
        assertThat(s.name()).isEqualTo(name);
        assertThat(s.version()).isEqualTo(v + ".0");
        assertThat(s.release()).isEqualTo(r + ".fc42");
        assertThat(BuildSubmitter.Srpm.parse(Path.of(name + ".rpm"))).isEmpty();
    }

    @Test
    void aRetriedSubmissionIsRecognised() {
        CoprClient.Build imported = new CoprClient.Build(5, "pending", "libkrun", "1.19.0-1.fc42", null, List.of(),
                100L, "alice", null);
        assertThat(BuildSubmitter.matches(imported, "libkrun", "1.19.0-1.fc42", "x.src.rpm", "alice")).isTrue();
        assertThat(BuildSubmitter.matches(imported, "libkrun", "1.18.0-1.fc42", "x.src.rpm", "alice")).isFalse();
        assertThat(BuildSubmitter.matches(imported, "libkrunfw", "1.19.0-1.fc42", "x.src.rpm", "alice")).isFalse();
        CoprClient.Build fresh = new CoprClient.Build(6, "importing", null, null, null, List.of(), 100L, "alice", null);
        assertThat(BuildSubmitter.matches(fresh, "crun", "1-1", "crun-1-1.src.rpm", "alice")).isTrue();
        assertThat(BuildSubmitter.matches(fresh, "crun", "1-1", "crun-1-1.src.rpm", "bob")).isFalse();
        CoprClient.Build byUrl = new CoprClient.Build(7, "succeeded", null, null, "https://c/tmp/crun-1-1.src.rpm",
                List.of(), 100L, "bob", null);
        assertThat(BuildSubmitter.matches(byUrl, "crun", "1-1", "crun-1-1.src.rpm", "alice")).isTrue();
    }

    static BuildWatcher.BuildStatus status(long id, String pkg, String state, String... chrootStates) {
        List<BuildWatcher.ChrootStatus> cs = new java.util.ArrayList<>();
        for (int i = 0; i < chrootStates.length; i++) {
            cs.add(new BuildWatcher.ChrootStatus("fedora-4" + i + "-x86_64", chrootStates[i],
                    "https://c/results/" + id + "/" + i + "/builder-live.log.gz"));
        }
        return new BuildWatcher.BuildStatus(id, pkg, state, cs, "https://c/coprs/build/" + id + "/", null);
    }

    @Test
    void outcomesAndExitCodes() {
        Duration t = Duration.ofMinutes(5);
        assertThat(BuildWatcher.outcome(List.of(status(1, "a", "succeeded", "succeeded", "skipped")), List.of(1L),
                null, false, t).exitCode()).isZero();
        BuildWatcher.Result failed = BuildWatcher.outcome(List.of(status(1, "a", "failed", "succeeded", "failed"),
                status(2, "b", "running", "running")), List.of(1L, 2L), null, true, t);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.problems()).contains("failed: a #1 fedora-41-x86_64: failed, log: https://c/results/1/1/builder-live.log.gz");
        assertThat(BuildWatcher.outcome(List.of(status(1, "a", "running", "running")), List.of(1L), null, true, t)
                .problems()).containsExactly("timed out after 5 min 0 s; a #1: still running (run 'krunpack copr"
                + " watch' again to keep following)");
        BuildWatcher.Result importFailed = BuildWatcher.outcome(List.of(status(3, "c", "failed")), List.of(3L), null,
                false, t);
        assertThat(importFailed.exitCode()).isEqualTo(1);
        assertThat(importFailed.problems()).containsExactly("failed: c #3: the SRPM build failed before any chroot"
                + " built, log: (none yet) see https://c/coprs/build/3/");
        BuildWatcher.Result weird = BuildWatcher.outcome(List.of(status(4, "d", "succeeded", "teleported")),
                List.of(4L), null, false, t);
        assertThat(weird.exitCode()).isEqualTo(3);
        assertThat(weird.problems()).containsExactly("not understood: d #4 fedora-40-x86_64: unknown state"
                + " 'teleported' (known: pending, importing, starting, running, waiting, unknown, succeeded, failed,"
                + " canceled, skipped, forked)");
        // COPR's own "unknown": read from the chroots
        assertThat(status(5, "e", "unknown", "canceled", "succeeded").finished()).isTrue();
        assertThat(BuildWatcher.outcome(List.of(status(5, "e", "unknown", "succeeded", "skipped")), List.of(5L), null,
                false, t).exitCode()).isZero();
        assertThat(status(6, "f", "unknown", "running").finished()).isFalse();
        assertThat(status(7, "g", "canceled", "pending").finished()).as("a canceled build never runs again").isTrue();
        assertThat(BuildWatcher.outcome(List.of(), List.of(9L), "COPR failed GET ...", false, t).exitCode())
                .isEqualTo(3);
    }

    @Test
    void packitConfigMatchesGolden() {
        CoprSettings s = CoprSettingsTest.parse(
                "copr: {owner: alice, project: krun, chroots: [fedora-rawhide-x86_64, fedora-43-aarch64]}");
        Golden.assertMatches("copr/packit.yaml", PackitConfig.render(s, "rpm"));
    }

    private Path touch(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }
}
