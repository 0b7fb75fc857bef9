package org.krunpack.pipeline;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.krunpack.testing.InterruptStandIn;
import org.krunpack.testing.TarBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGINT, SIGTERM and SIGKILL to a krunpack JVM during a long child process and during an
 * extraction: no process of ours survives, the temporaries are gone (at once for INT/TERM, at the
 * next run for -9), an interruption says what it stopped and exits 130. Each case runs the
 * stand-in run ({@link InterruptStandIn}) in its own JVM. Needs setsid and setpriv (util-linux).
 */
@Tag("tools")
class InterruptTest {
    @TempDir
    Path dir;

    private record Started(Process jvm, Path tmp, BufferedReader out) {
    }

    private Started start(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                InterruptStandIn.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr").toFile()).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.startsWith("READY ")) {
            // output before the point to interrupt
        }
        assertThat(line).as("the stand-in reached its point; stderr:\n" + stderr()).isNotNull();
        return new Started(p, Path.of(line.substring("READY ".length())), r);
    }

    private String stderr() throws IOException {
        Path f = dir.resolve("stderr");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static void signal(Process p, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor())
                .isZero();
    }

    /** Processes whose command line holds {@code marker}, from /proc. */
    private static List<Long> withMarker(String marker) throws IOException {
        List<Long> pids = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(marker)) {
                        pids.add(Long.parseLong(n));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return pids;
    }

    /** Waits (bounded) for the marked processes to go: a parent-death signal is not instantaneous. */
    private static List<Long> survivors(String marker) throws Exception {
        List<Long> left = withMarker(marker);
        for (int i = 0; i < 100 && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = withMarker(marker);
        }
        return left;
    }

    private String marker() {
        return "7" + (100000 + new Random().nextInt(800000)) + ".25";
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void anInterruptionDuringAChildStopsItsWholeTreeRemovesTemporariesAndExits130(String sig) throws Exception {
        String marker = marker();
        Started s = start("child", dir.resolve("out").toString(), marker);
        assertThat(withMarker(marker)).as("the grandchild runs").isNotEmpty();

        signal(s.jvm(), sig);

        assertThat(s.jvm().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(s.jvm().exitValue()).as(stderr()).isEqualTo(130);
        assertThat(survivors(marker)).as("no process of ours survives").isEmpty();
        assertThat(s.tmp()).as("the temporary is removed").doesNotExist();
        assertThat(stderr()).contains("interrupted (SIG" + sig + ") during make allnoconfig (stand-in)")
                .contains("stopped sh -c sleep " + marker).contains("removed " + s.tmp());
    }

    @Test
    void aKill9DuringAChildTakesTheTreeWithItAndTheNextRunRemovesTheTemporaries() throws Exception {
        String marker = marker();
        Started s = start("child", dir.resolve("out").toString(), marker);

        signal(s.jvm(), "KILL");

        assertThat(s.jvm().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(survivors(marker)).as("the child's group dies with the JVM").isEmpty();
        assertThat(s.tmp()).as("a -9 leaves it").exists();
        try (Workspace ws = Workspace.open(dir.resolve("out"))) {
            assertThat(ws.leftoversRemoved()).contains(s.tmp());
        }
        assertThat(s.tmp()).doesNotExist();
    }

    private Path bigTarball() {
        byte[] noise = new byte[24 << 20];
        new Random(7).nextBytes(noise);
        String text = java.util.Base64.getEncoder().encodeToString(noise);
        return new TarBuilder().dir("linux/").file("linux/Makefile", "VERSION = 6\n").file("linux/big", text)
                .write(dir.resolve("big.tar"), TarBuilder.Compression.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM", "KILL"})
    void anInterruptionDuringExtractionLeavesNoTemporaryAfterTheNextRun(String sig) throws Exception {
        Path out = dir.resolve("out");
        Started s = start("extract", out.toString(), bigTarball().toString());
        List<Path> partial;
        try (Stream<Path> l = Files.list(out.resolve("tree"))) {
            partial = l.toList();
        }
        assertThat(partial).as("a half-extracted temporary next to the target").singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).startsWith(".linux.tmp-" + s.jvm().pid() + "-"));

        signal(s.jvm(), sig);

        assertThat(s.jvm().waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (!sig.equals("KILL")) {
            assertThat(s.jvm().exitValue()).isEqualTo(130);
            assertThat(stderr()).contains("interrupted (SIG" + sig + ") during extracting")
                    .contains("removed " + partial.get(0));
            assertThat(partial.get(0)).doesNotExist();
        } else {
            assertThat(partial.get(0)).exists();
        }
        try (Workspace ws = Workspace.open(out)) {
            assertThat(ws.root()).isNotNull();
        }
        assertThat(partial.get(0)).doesNotExist();
        assertThat(s.tmp()).doesNotExist();
        assertThat(out.resolve("tree/linux")).doesNotExist();
    }

    @Test
    void theTemporariesOfALiveRunAreNeverRemoved() throws Exception {
        Process live = new ProcessBuilder("sleep", "300").start();
        try {
            Path out = Files.createDirectories(dir.resolve("out"));
            Path ofLive = Files.createDirectories(out.resolve("tree/.linux.tmp-" + live.pid() + "-1"));
            Path ofDead = Files.createDirectories(out.resolve("tree/.linux.tmp-" + deadPid() + "-2"));
            try (Workspace ws = Workspace.open(out)) {
                assertThat(ws.leftoversRemoved()).containsExactly(ofDead);
            }
            assertThat(ofLive).exists();
            assertThat(ofDead).doesNotExist();
        } finally {
            live.destroyForcibly();
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
