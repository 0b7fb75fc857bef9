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

/** Runs external tools (make, gcc, patch, rpmbuild, qemu) and finds them on the PATH. */
public final class Tools {
    private Tools() {
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
        Process p = start(pb);
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
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while running " + command.get(0));
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
        Process p = start(pb);
        Thread killer = new Thread(p::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
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
            p.destroyForcibly();
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
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

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw KrunpackException.external("cannot start " + pb.command().get(0) + ": " + e.getMessage()
                    + " (is it installed? see README.md, 'Set-up')", e);
        }
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
