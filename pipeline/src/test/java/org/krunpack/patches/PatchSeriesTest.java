package org.krunpack.patches;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchSeriesTest {
    @TempDir
    Path tmp;

    static String patch(String subject, String status) {
        return "Subject: [PATCH] " + subject + "\n\n" + (status == null ? "" : "Upstream-Status: " + status + "\n")
                + "---\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n";
    }

    @Test
    void releasePatchesInSortedOrderThenOurSeriesInItsOrder() throws IOException {
        Path rel = Files.createDirectories(tmp.resolve("release/patches"));
        Files.writeString(rel.resolve("0002-second.patch"), patch("second", null));
        Files.writeString(rel.resolve("0001-first.patch"), patch("first", null));
        Files.writeString(rel.resolve("README"), "not a patch");
        Files.writeString(rel.resolve("1000-not-numbered-from-0.patch"), patch("skipped", null));
        Path ours = Files.createDirectories(tmp.resolve("ours/sub"));
        Files.writeString(ours.resolve("b.patch"), patch("ours b", "Pending"));
        Files.writeString(tmp.resolve("ours/a.patch"), patch("ours a", "Backport [v6.13]"));
        Path series = tmp.resolve("ours/series");
        Files.writeString(series, """
                # comment line

                sub/b.patch   # trailing comment
                a.patch
                """);

        PatchSeries s = PatchSeries.load(PatchSeries.releasePatchFiles(rel), series);

        assertThat(s.patches()).extracting(Patch::subject).containsExactly("first", "second", "ours b", "ours a");
        assertThat(s.patches()).extracting(Patch::origin).containsExactly(Patch.Origin.RELEASE,
                Patch.Origin.RELEASE, Patch.Origin.OURS, Patch.Origin.OURS);
        assertThat(s.seriesFile()).isEqualTo(series);
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Path rel = tmp.resolve("0001-release-without-status.patch");
        Files.writeString(rel, patch("release", null));
        Files.writeString(tmp.resolve("no-status.patch"), patch("no status", null));
        Files.writeString(tmp.resolve("bad-status.patch"), patch("bad status", "Maybe later"));
        Files.writeString(tmp.resolve("no-reason.patch"), patch("no reason", "Inappropriate"));
        Files.writeString(tmp.resolve("broken.patch"), "--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n");
        Path series = tmp.resolve("series");
        Files.writeString(series, String.join("\n", "no-status.patch", "bad-status.patch", "no-reason.patch",
                "broken.patch", "missing.patch", "no-status.patch", "with-option.patch -p0", ""));

        assertThatThrownBy(() -> PatchSeries.load(List.of(rel), series))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.problems()).hasSize(7);
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                            .contains("no-status.patch: no 'Upstream-Status:' line"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                            .contains("bad-status.patch", "must start with one of Pending"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                            .contains("no-reason.patch", "needs a note in brackets (the reason)"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("broken.patch:3:", "ends early"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                            .contains("series:5: missing.patch does not exist"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("series:6:", "listed twice"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("series:7:", "without options"));
                    assertThat(e.problems()).noneMatch(p -> p.contains("0001-release-without-status"));
                });
    }

    @Test
    void upstreamStatusValues() {
        assertThat(UpstreamStatus.problem("Pending")).isEmpty();
        assertThat(UpstreamStatus.problem("Inappropriate [krunpack-specific]")).isEmpty();
        assertThat(UpstreamStatus.problem("Backport [v6.13-rc1]")).isEmpty();
        assertThat(UpstreamStatus.problem("Inactive-Upstream [lastcommit: 2020]")).isEmpty();
        assertThat(UpstreamStatus.problem("Submitted")).hasValueSatisfying(m -> assertThat(m).contains("where"));
        assertThat(UpstreamStatus.problem("pending")).isPresent();
        assertThat(UpstreamStatus.problem(null)).hasValueSatisfying(m -> assertThat(m).contains("add one"));
    }

    @Test
    void ourSeriesFileLoadsAndEveryPatchCarriesAValidUpstreamStatus() {
        PatchSeries s = PatchSeries.load(List.of(), Path.of("../patches/series"));
        assertThat(s.patches()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.origin()).isEqualTo(Patch.Origin.OURS);
            assertThat(UpstreamStatus.problem(p.upstreamStatus())).isEmpty();
        });
    }
}
