package org.krunpack.smoke;

import org.krunpack.core.KrunpackException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a VM whose console is the process's stdout (QEMU's stdio chardev, or libkrun's
 * console): timestamps from process start to the first console byte, the init's markers and the
 * exit; a kill at the deadline; and no process left behind (the process, its descendants, and the
 * pid QEMU wrote to {@code -pidfile}), also when krunpack itself is interrupted.
 *
 * @param exitCode       the process's exit status, or -1 when it was killed
 * @param timedOut       true when it was killed at the deadline
 * @param console        every console line
 * @param stderr         what the process wrote to stderr
 * @param firstByteMs    ms from start to the first console byte, or -1
 * @param startMarkerMs  ms from start to {@link GuestReport#START}, or -1
 * @param endMarkerMs    ms from start to {@link GuestReport#END}, or -1
 * @param exitMs         ms from start to the process's end (or the kill)
 * @param panicLine      the "Kernel panic - not syncing" line, or null
 */
public record VmRun(int exitCode, boolean timedOut, List<String> console, String stderr, long firstByteMs,
                    long startMarkerMs, long endMarkerMs, long exitMs, String panicLine) {
    public static final String PANIC = "Kernel panic - not syncing";
    /** How many console lines a failure shows. */
    public static final int TAIL = 40;

    public VmRun {
        console = List.copyOf(console);
    }

    public boolean panicked() {
        return panicLine != null;
    }

    /** The last {@link #TAIL} console lines. */
    public List<String> tail() {
        return console.subList(Math.max(0, console.size() - TAIL), console.size());
    }

    /**
     * Starts {@code command} and watches its console until it exits or {@code timeout} passes.
     *
     * @param consoleLog where the raw console is also written (may be null)
     * @param pidFile    the {@code -pidfile} QEMU writes (may be null)
     */
    public static VmRun run(List<String> command, Path workDir, Map<String, String> env, Duration timeout,
                            Path consoleLog, Path pidFile) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        if (env != null) {
            pb.environment().putAll(env);
        }
        Watcher w = new Watcher(consoleLog);
        long t0 = System.nanoTime();
        Process p = org.krunpack.core.Tools.startGrouped(pb); // its own group, dies with krunpack
        Thread hook = new Thread(() -> kill(p, pidFile), "krunpack-vm-killer");
        Runtime.getRuntime().addShutdownHook(hook);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread out = new Thread(() -> w.read(p.getInputStream(), t0), "krunpack-vm-console");
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "krunpack-vm-stderr");
        out.setDaemon(true);
        errReader.setDaemon(true);
        out.start();
        errReader.start();
        boolean exited;
        boolean interrupted = false;
        try {
            exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            exited = false;
        }
        long exitNs = System.nanoTime();
        try {
            if (!exited) {
                kill(p, pidFile);
            }
            join(out);
            join(errReader);
        } finally {
            kill(p, pidFile);
            org.krunpack.core.Tools.finished(p);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: the hook kills the VM
            }
            w.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while the VM was running: the VM was killed");
        }
        synchronized (w) {
            return new VmRun(exited ? p.exitValue() : -1, !exited, w.lines, err.toString(StandardCharsets.UTF_8),
                    w.firstByteMs, w.startMs, w.endMs, (exitNs - t0) / 1_000_000, w.panic);
        }
    }

    /** Kills the process, its descendants and the pid in {@code pidFile} (if it is still a QEMU). */
    static void kill(Process p, Path pidFile) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        if (pidFile != null && Files.isRegularFile(pidFile)) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.contains("qemu")).orElse(false))
                        .ifPresent(ProcessHandle::destroyForcibly);
            } catch (IOException | NumberFormatException ignored) {
                // no readable pid: nothing more to kill
            }
        }
        try {
            p.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    /** Splits the console into lines and notes when each milestone appears. */
    private static final class Watcher {
        final List<String> lines = new ArrayList<>();
        long firstByteMs = -1;
        long startMs = -1;
        long endMs = -1;
        String panic;
        private final OutputStream log;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Watcher(Path consoleLog) {
            OutputStream o = null;
            if (consoleLog != null) {
                try {
                    Files.createDirectories(consoleLog.toAbsolutePath().getParent());
                    o = Files.newOutputStream(consoleLog);
                } catch (IOException e) {
                    throw KrunpackException.external("cannot write " + consoleLog + ": " + e.getMessage());
                }
            }
            log = o;
        }

        private long lastMs = -1;

        void read(InputStream in, long t0) {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    long read = (System.nanoTime() - t0) / 1_000_000;
                    synchronized (this) {
                        // stdout and stderr are read by two threads: a thread that took its time
                        // before the other but entered here after it must not record an earlier one
                        long ms = Math.max(read, lastMs);
                        lastMs = ms;
                        if (firstByteMs < 0) {
                            firstByteMs = ms;
                        }
                        if (log != null) {
                            log.write(buf, 0, n);
                            log.flush();
                        }
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                endLine(ms);
                            } else {
                                line.write(buf[i]);
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended or was killed
            }
            synchronized (this) {
                if (line.size() > 0) {
                    endLine(Math.max(lastMs, (System.nanoTime() - t0) / 1_000_000));
                }
            }
        }

        private void endLine(long ms) {
            String s = line.toString(StandardCharsets.UTF_8).replace("\r", "");
            line.reset();
            lines.add(s);
            if (startMs < 0 && s.contains(GuestReport.START)) {
                startMs = ms;
            }
            if (endMs < 0 && s.contains(GuestReport.END)) {
                endMs = ms;
            }
            if (panic == null && s.contains(PANIC)) {
                panic = s.strip();
            }
        }

        synchronized void close() {
            if (log != null) {
                try {
                    log.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
