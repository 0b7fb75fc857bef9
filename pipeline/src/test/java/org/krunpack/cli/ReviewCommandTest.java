package org.krunpack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.krunpack.testing.CliRun.Run;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.review.FixturesAccess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.krunpack.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("tools")
class ReviewCommandTest {


    @Test
    void reviewsADirectoryOfPackagesAsJson(@TempDir Path dir) throws Exception {
        List<Path> rpms = FixturesAccess.buildGood(dir.resolve("b"), Map.of(), s -> s);
        Path pkgs = Files.createDirectories(dir.resolve("pkgs"));
        for (Path r : rpms) {
            Files.copy(r, pkgs.resolve(r.getFileName()));
        }
        Run r = run("review", "--format", "json", pkgs.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.get("command").asText()).isEqualTo("review");
        assertThat(doc.get("result").asText()).isEqualTo("ok");
        JsonNode details = doc.get("steps").get(0).get("details");
        // the three packages and the SRPM's embedded spec, each by its path
        assertThat(details.get("reviewed")).hasSize(4);
        assertThat(details.get("oneKernelExemption").asText()).contains("The one-kernel exemption holds").doesNotContain("Not evaluated");
        JsonNode first = details.get("findings").get(0);
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("id", "level", "group", "guideline", "verdict", "subject", "text", "evidence");
        // the SRPM's embedded spec is reviewed too, with line evidence
        assertThat(r.out()).contains("libkrunfw-5.5.0-1.src.rpm:libkrunfw.spec", "libkrunfw.spec:17: Source1:");
    }

    @Test
    void aFailingMustExitsOneWithTheFedoraReviewShape(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("libkrunfw.spec");
        Files.writeString(spec, org.krunpack.review.FixturesAccess.goodSpec()
                .replace("%files\n", "%post -p /sbin/ldconfig\n\n%files\n"));
        Run r = run("review", spec.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Legend:", "[x] = Pass, [!] = Fail, [-] = Not applicable, [?] = Not evaluated",
                "MUST items:", "SHOULD items:", "Generic:", "C/C++:", "krun:",
                "[!]: c.no-ldconfig (" + spec + ")", spec + ":60: %post -p /sbin/ldconfig",
                "Result: 1 MUST item(s) failed");
    }

    @Test
    void aMissingPathIsAUsageError(@TempDir Path dir) {
        Run r = run("review", dir.resolve("nope.spec").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope.spec: no such file or directory");
    }
}
