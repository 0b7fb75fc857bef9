package org.krunpack.core;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs external tools (make, gcc, patch, rpmbuild, qemu) and finds them on the PATH.
 *
 * <p>Every child runs in its own process group and session ({@code setsid}) under a small guard
 * shell that has a parent-death signal ({@code setpriv --pdeathsig TERM}, util-linux): when
 * krunpack dies, even by SIGKILL, the guard kills the child's whole group (make and its compilers,
 * rpmbuild and its scripts). On SIGINT/SIGTERM {@link Interrupts} stops every group through
 * {@link #stopAll}. Without setsid/setpriv the child runs directly (and is only killed itself).
 */
public final class Tools {
    /** The guard: its children in the background, stdin passed on, the group killed on TERM/INT/HUP. */
    private static final String GUARD = "trap 'trap - TERM INT HUP; kill -KILL 0' TERM INT HUP; "
            + "exec 3<&0; \"$@\" <&3 3<&- & wait $!";

    /** Children running now, with the command for messages. */
    private static final java.util.concurrent.ConcurrentHashMap<Process, String> LIVE =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static volatile Boolean groups;

    private Tools() {
    }

    /** {@code command} to start in its own process group, dying with krunpack (when util-linux allows). */
    static List<String> grouped(List<String> command) {
        if (groups == null) {
            groups = which("setsid").isPresent() && which("setpriv").isPresent() && which("sh").isPresent();
        }
        if (!groups) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("setsid", "setpriv", "--pdeathsig", "TERM", "--", "sh", "-c", GUARD,
                "krunpack-child"));
        c.addAll(command);
        return c;
    }

    /**
     * Starts a process in its own group (see the class comment), registered so an interruption
     * stops it; {@link #finished} unregisters it.
     */
    public static Process startGrouped(ProcessBuilder pb) {
        Interrupts.holdWhileInterrupting(); // no new child once the run is being stopped
        List<String> original = List.copyOf(pb.command());
        pb.command(grouped(original));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw KrunpackException.external("cannot start " + original.get(0) + ": " + e.getMessage()
                    + " (is it installed? see README.md, 'Set-up')", e);
        } finally {
            pb.command(original);
        }
        LIVE.put(p, String.join(" ", original.size() > 6 ? original.subList(0, 6) : original)
                + (original.size() > 6 ? " ..." : ""));
        return p;
    }

    /** Kills a child's whole process group (and its descendants), waits for it, unregisters it. */
    public static void finished(Process p) {
        LIVE.remove(p);
        killGroup(p);
    }

    private static void killGroup(Process p) {
        if (!p.isAlive()) {
            return; // the guard waited for its child: the group ended with it
        }
        if (Boolean.TRUE.equals(groups)) {
            try {
                // The group id is the child's pid: setsid made it a group leader without forking.
                new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall back to the descendants below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        waitFor(p, 10);
    }

    /** Stops every running child's process group; returns what was stopped ("make ... (pid N)"). */
    public static List<String> stopAll() {
        List<String> stopped = new ArrayList<>();
        for (var e : new ArrayList<>(LIVE.entrySet())) {
            if (e.getKey().isAlive()) {
                stopped.add(e.getValue() + " (pid " + e.getKey().pid() + ")");
            }
            finished(e.getKey());
        }
        return stopped;
    }

    /** The outcome of a finished process. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Finds an executable on the PATH. */
    public static Optional<Path> which(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Finds an executable or fails with exit code 3 naming the package that provides it. */
    public static Path require(String name, String debianPackage, String fedoraPackage) {
        return which(name).orElseThrow(() -> KrunpackException.external(
                name + " not found on PATH: install it (Debian: apt-get install " + debianPackage
                        + "; Fedora: dnf install " + fedoraPackage + ")"));
    }

    /** Runs a command to completion, capturing stdout and stderr. Does not throw on a non-zero exit. */
    public static Result run(List<String> command, Path workDir, Map<String, String> env) {
        return run(command, workDir, env, null);
    }

    public static Result run(List<String> command, Path workDir, Map<String, String> env, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = startGrouped(pb);
        try {
            var out = readAsync(p.getInputStream());
            var err = readAsync(p.getErrorStream());
            if (stdin != null) {
                try (var os = p.getOutputStream()) {
                    os.write(stdin);
                }
            } else {
                p.getOutputStream().close();
            }
            int rc = p.waitFor();
            return new Result(List.copyOf(command), rc, out.join(), err.join());
        } catch (IOException e) {
            throw KrunpackException.external("I/O error talking to " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while running " + command.get(0));
        } finally {
            finished(p);
        }
    }

    /** Runs a command and fails with exit code 3, showing its stderr, when it does not exit 0. */
    public static Result check(List<String> command, Path workDir, Map<String, String> env) {
        Result r = run(command, workDir, env);
        if (!r.ok()) {
            throw KrunpackException.external(String.join(" ", command) + " exited " + r.exitCode()
                    + tail("\n", r.stderr().isBlank() ? r.stdout() : r.stderr(), 20));
        }
        return r;
    }

    /**
     * Runs a long command, appending its merged output to {@code log} and handing each line to
     * {@code onLine} (for progress). Returns the exit code.
     */
    public static int runLogged(List<String> command, Path workDir, Map<String, String> env, Path log,
                                Consumer<String> onLine) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = startGrouped(pb);
        try (var reader = p.inputReader(StandardCharsets.UTF_8);
             var writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            p.getOutputStream().close();
            String line;
            while ((line = reader.readLine()) != null) {
                writer.write(line);
                writer.newLine();
                if (onLine != null) {
                    onLine.accept(line);
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw KrunpackException.external("I/O error running " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while running " + command.get(0));
        } finally {
            finished(p);
        }
    }

    /** The last {@code n} lines of {@code text}, prefixed, or "" when blank. */
    public static String tail(String prefix, String text, int n) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String[] lines = text.strip().split("\n");
        List<String> last = new ArrayList<>();
        for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
            last.add("  " + lines[i]);
        }
        return prefix + String.join("\n", last);
    }

    /** Drains a stream on its own thread (never the common pool: a full pipe must not block it). */
    private static java.util.concurrent.CompletableFuture<String> readAsync(InputStream in) {
        var result = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        }, "krunpack-drain");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Waits for a process for at most {@code seconds}; true when it ended. */
    public static boolean waitFor(Process p, long seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
