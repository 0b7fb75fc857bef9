package org.krunpack.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.project.Project;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared build cache through a repository directory: a second "machine" (a fresh out/ and an
 * empty local repository) with the same inputs fetches instead of running; a different input runs;
 * an unreachable repository falls back to running with one line saying why.
 */
class SharedCacheTest {
    @Test
    void aSecondMachineWithTheSameInputsFetchesInsteadOfRunning(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        Project p = StepHarness.project(dir, "cache: {repository: " + repo + "}\n");
        assertThat(p.cache()).isNotNull();

        List<StepHarness.FileStep> first = StepHarness.chain(dir);
        List<String> log1 = new ArrayList<>();
        RunReport r1 = StepHarness.run(p, dir.resolve("out1"), first, MavenStepCache.of(p), log1);
        assertThat(r1.ok()).isTrue();
        assertThat(r1.ran()).containsExactly("a", "b", "c");
        assertThat(log1).allSatisfy(l -> assertThat(l).contains("not in the shared cache"));
        assertThat(repo.resolve("org/krunpack/stepcache/c")).isDirectory();

        // The other machine: its own out/ and its own local repository (cacheDir).
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.copy(dir.resolve("a.setting"), other.resolve("a.setting"));
        Files.copy(dir.resolve("b.setting"), other.resolve("b.setting"));
        Files.copy(dir.resolve("c.setting"), other.resolve("c.setting"));
        Project q = StepHarness.project(other, "cache: {repository: " + repo + "}\n");
        List<StepHarness.FileStep> second = StepHarness.chain(other);
        RunReport r2 = StepHarness.run(q, other.resolve("out"), second, MavenStepCache.of(q), new ArrayList<>());
        assertThat(r2.ok()).isTrue();
        assertThat(r2.steps()).extracting(StepOutcome::status).containsOnly(StepOutcome.Status.SHARED);
        assertThat(second).allSatisfy(s -> assertThat(s.runs).isZero());
        assertThat(Files.readString(other.resolve("out/c.txt"))).isEqualTo(Files.readString(dir.resolve("out1/c.txt")));
        assertThat(r2.steps().get(2).result().summary().get(0)).contains("from the shared build cache " + repo.toUri());
        assertThat(r2.steps().get(2).result().summary()).anySatisfy(l -> assertThat(l).contains("c wrote c1+b1+a1+"));

        // Once fetched, a no-op run on that machine is cached locally.
        assertThat(StepHarness.run(q, other.resolve("out"), second, MavenStepCache.of(q), new ArrayList<>()).steps())
                .extracting(StepOutcome::status).containsOnly(StepOutcome.Status.CACHED);

        // A changed input on the other machine: b and c are not in the cache; they run and are published.
        Files.writeString(other.resolve("b.setting"), "b2");
        List<String> log3 = new ArrayList<>();
        RunReport r3 = StepHarness.run(q, other.resolve("out"), second, MavenStepCache.of(q), log3);
        assertThat(r3.ran()).containsExactly("b", "c");
        assertThat(log3).hasSize(2);
        assertThat(Files.readString(other.resolve("out/c.txt"))).isEqualTo("c1+b2+a1+");
    }

    @Test
    void anUnreachableRepositoryFallsBackToRunningWithOneLine(@TempDir Path dir) throws Exception {
        Project p = StepHarness.project(dir, "cache: {repository: \"http://127.0.0.1:9/repo\"}\n");
        List<StepHarness.FileStep> steps = StepHarness.chain(dir);
        List<String> log = new ArrayList<>();
        RunReport r = StepHarness.run(p, dir.resolve("out"), steps, MavenStepCache.of(p), log);
        assertThat(r.ok()).isTrue();
        assertThat(r.ran()).containsExactly("a", "b", "c");
        // Per step: one line for the fetch that failed, one for the publish that failed.
        assertThat(log).hasSize(6);
        assertThat(log.get(0)).startsWith("a: the shared cache http://127.0.0.1:9/repo could not be read")
                .endsWith("; running it");
        assertThat(log.get(1)).startsWith("a: could not deploy to the shared cache http://127.0.0.1:9/repo");
        assertThat(log).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
    }
}
