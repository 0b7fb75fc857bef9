package org.krunpack.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one way krunpack runs code that comes from an input (a library it checks, a spec or package
 * under review): a separate process under bubblewrap with a read-only view of the host, no network
 * (every namespace unshared), a fresh minimal {@code /dev} and {@code /proc}, one empty writable
 * scratch directory, resource limits (prlimit inside the sandbox) and a timeout after which the
 * whole process tree is killed.
 *
 * <p>{@link #probe()} says whether bubblewrap works on this host and, when not, why. Callers
 * get a runner with {@link #forInputs(boolean)}: sandboxed when possible; when not, either
 * nothing runs (the caller reports its checks as not evaluated, naming {@link #whyNot()}) or, when
 * the user passed {@code --trust-inputs}, the command runs as a plain separate process with the
 * same limits and timeout.
 */
public final class Sandbox {
    /** Set to {@code off} (system property {@code krunpack.sandbox}, or env) to act as if none. */
    public static final String SWITCH_PROPERTY = "krunpack.sandbox";
    public static final String SWITCH_ENV = "KRUNPACK_SANDBOX";
    private static final long MIB = 1024L * 1024;

    /**
     * Resource limits applied inside the sandbox with prlimit; 0 leaves a limit unset.
     *
     * @param memoryBytes   address space (RLIMIT_AS)
     * @param cpuSeconds    CPU time (RLIMIT_CPU)
     * @param fileSizeBytes largest file the command may write (RLIMIT_FSIZE)
     * @param openFiles     open file descriptors (RLIMIT_NOFILE)
     * @param processes     processes of the user (RLIMIT_NPROC; the kernel exempts root)
     */
    public record Limits(long memoryBytes, long cpuSeconds, long fileSizeBytes, int openFiles, int processes) {
        /** 2 GiB of address space, 60 s of CPU, 1 GiB files, 256 descriptors, 64 processes. */
        public static Limits defaults() {
            return new Limits(2048 * MIB, 60, 1024 * MIB, 256, 64);
        }

        public Limits withMemory(long bytes) {
            return new Limits(bytes, cpuSeconds, fileSizeBytes, openFiles, processes);
        }

        public Limits withCpuSeconds(long seconds) {
            return new Limits(memoryBytes, seconds, fileSizeBytes, openFiles, processes);
        }

        public Limits withFileSize(long bytes) {
            return new Limits(memoryBytes, cpuSeconds, bytes, openFiles, processes);
        }

        List<String> prlimitArgs() {
            List<String> a = new ArrayList<>();
            if (memoryBytes > 0) {
                a.add("--as=" + memoryBytes);
            }
            if (cpuSeconds > 0) {
                a.add("--cpu=" + cpuSeconds);
            }
            if (fileSizeBytes > 0) {
                a.add("--fsize=" + fileSizeBytes);
            }
            if (openFiles > 0) {
                a.add("--nofile=" + openFiles);
            }
            if (processes > 0) {
                a.add("--nproc=" + processes);
            }
            a.add("--core=0");
            return a;
        }
    }

    /** A host path made visible read-only at {@code target} inside the sandbox. */
    public record Bind(Path source, Path target) {
        public Bind {
            Objects.requireNonNull(source);
            Objects.requireNonNull(target);
        }
    }

    /**
     * What to run.
     *
     * @param command        the program and its arguments (a path, or a name found on the PATH inside)
     * @param scratch        an existing directory, the only place the command may write (bound at
     *                       the same path); HOME and TMPDIR point into it
     * @param timeout        wall-clock limit; the process tree is killed after it
     * @param limits         resource limits
     * @param readOnlyBinds  extra read-only binds (e.g. a sysroot at another path for qemu-user)
     * @param env            environment on top of a minimal one (PATH, HOME, TMPDIR, LANG)
     * @param workDir        working directory inside (default: the scratch directory)
     * @param maxOutputBytes stdout and stderr are each kept up to this many bytes (the rest is
     *                       read and dropped, {@link Result#truncated()} says so)
     */
    public record Request(List<String> command, Path scratch, Duration timeout, Limits limits, List<Bind> readOnlyBinds,
                          Map<String, String> env, Path workDir, int maxOutputBytes) {
        public Request {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
            Objects.requireNonNull(scratch);
            Objects.requireNonNull(timeout);
            Objects.requireNonNull(limits);
            readOnlyBinds = List.copyOf(readOnlyBinds);
            env = Map.copyOf(env);
        }

        /** {@code command} with the default limits, a 60 s timeout and 1 MiB of output each. */
        public static Request of(List<String> command, Path scratch) {
            return new Request(command, scratch, Duration.ofSeconds(60), Limits.defaults(), List.of(), Map.of(), null,
                    1 << 20);
        }

        public Request withTimeout(Duration t) {
            return new Request(command, scratch, t, limits, readOnlyBinds, env, workDir, maxOutputBytes);
        }

        public Request withLimits(Limits l) {
            return new Request(command, scratch, timeout, l, readOnlyBinds, env, workDir, maxOutputBytes);
        }

        public Request withEnv(Map<String, String> e) {
            return new Request(command, scratch, timeout, limits, readOnlyBinds, e, workDir, maxOutputBytes);
        }

        public Request withWorkDir(Path dir) {
            return new Request(command, scratch, timeout, limits, readOnlyBinds, env, dir, maxOutputBytes);
        }

        public Request withReadOnlyBinds(List<Bind> binds) {
            return new Request(command, scratch, timeout, limits, binds, env, workDir, maxOutputBytes);
        }

        public Request withMaxOutput(int bytes) {
            return new Request(command, scratch, timeout, limits, readOnlyBinds, env, workDir, bytes);
        }
    }

    /**
     * How the command ended.
     *
     * @param exitCode  the exit status; a command killed by signal N reports 128 + N (as the shell
     *                  and bubblewrap do), and {@link #signal()} decodes that
     * @param timedOut  the timeout killed it (exitCode is then meaningless)
     * @param truncated stdout or stderr went beyond the request's maxOutputBytes
     * @param sandboxed it ran under bubblewrap (false: --trust-inputs without a sandbox)
     */
    public record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr,
                         boolean truncated, long millis, boolean sandboxed) {
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }

        /** The signal that ended the command (from exit status 128 + N), or 0. */
        public int signal() {
            return !timedOut && exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : 0;
        }

        /** "exit 1", "killed by SIGSEGV (signal 11)", "timed out after 60 s". */
        public String describe() {
            if (timedOut) {
                return "timed out after " + (millis / 1000) + " s and was killed with its process tree";
            }
            int s = signal();
            return s != 0 ? "killed by " + signalName(s) + " (signal " + s + ")" : "exit " + exitCode;
        }
    }

    /** Whether bubblewrap works here; {@code reason} says why not (or what was found). */
    public record Availability(boolean available, String reason) {
    }

    private static volatile Availability cached;

    private final boolean isolated;
    private final boolean canRun;
    private final String whyNot;

    private Sandbox(boolean isolated, boolean canRun, String whyNot) {
        this.isolated = isolated;
        this.canRun = canRun;
        this.whyNot = whyNot;
    }

    /**
     * A runner for commands that execute input code: sandboxed when {@link #probe()} says
     * bubblewrap works; else with {@code trustInputs} an unsandboxed separate process; else none
     * ({@link #canRun()} false, {@link #whyNot()} says why and what to do).
     */
    public static Sandbox forInputs(boolean trustInputs) {
        Availability a = probe();
        if (a.available()) {
            return new Sandbox(true, true, "");
        }
        if (trustInputs) {
            return new Sandbox(false, true, "no sandbox (" + a.reason() + "); --trust-inputs: running unsandboxed");
        }
        return new Sandbox(false, false, "no sandbox: " + a.reason() + " (install bubblewrap, or pass --trust-inputs"
                + " to run input code unsandboxed)");
    }

    /** True when commands run under bubblewrap. */
    public boolean isolated() {
        return isolated;
    }

    /** False when nothing may run (no sandbox and the inputs are not trusted). */
    public boolean canRun() {
        return canRun;
    }

    /** Why commands do not run (or run unsandboxed); empty when sandboxed. */
    public String whyNot() {
        return whyNot;
    }

    /**
     * Runs {@code r}; never throws for what the command does (a crash, a signal, a timeout are in
     * the result). Throws {@link IllegalStateException} when {@link #canRun()} is false.
     */
    public Result run(Request r) {
        if (!canRun) {
            throw new IllegalStateException(whyNot);
        }
        return execute(r, isolated);
    }

    /** Says whether bubblewrap works on this host (tried once per process), and why not. */
    public static Availability probe() {
        Availability a = cached;
        if (a == null) {
            a = detect();
            cached = a;
        }
        return a;
    }

    /** Forgets the probe's answer (tests switching the sandbox off and on). */
    public static void resetProbe() {
        cached = null;
    }

    private static Availability detect() {
        String sw = System.getProperty(SWITCH_PROPERTY, System.getenv(SWITCH_ENV));
        if ("off".equalsIgnoreCase(sw)) {
            return new Availability(false, "the sandbox is switched off (" + SWITCH_PROPERTY + "=off or "
                    + SWITCH_ENV + "=off)");
        }
        Optional<Path> bwrap = Tools.which("bwrap");
        if (bwrap.isEmpty()) {
            return new Availability(false, "bwrap (bubblewrap) is not on the PATH (Debian: apt-get install bubblewrap;"
                    + " Fedora: dnf install bubblewrap)");
        }
        if (Tools.which("prlimit").isEmpty()) {
            return new Availability(false, "prlimit (util-linux) is not on the PATH: resource limits cannot be set");
        }
        try {
            Path scratch = Files.createTempDirectory("krunpack-sandbox-probe-");
            try {
                Result r = execute(Request.of(List.of("true"), scratch).withTimeout(Duration.ofSeconds(20)), true);
                if (!r.ok()) {
                    return new Availability(false, bwrap.get() + " does not work here (" + r.describe() + ")"
                            + Tools.tail(": ", r.stderr(), 3) + " (user namespaces may be disabled:"
                            + " sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces)");
                }
            } finally {
                AtomicFiles.deleteTree(scratch);
            }
        } catch (IOException e) {
            return new Availability(false, "cannot create a scratch directory: " + e.getMessage());
        }
        return new Availability(true, bwrap.get() + " works");
    }

    /** The bubblewrap command line for {@code r} (without the command itself). */
    static List<String> bwrapArgs(Request r) {
        Path scratch = r.scratch().toAbsolutePath().normalize();
        List<String> a = new ArrayList<>(List.of("bwrap",
                "--ro-bind", "/", "/",
                "--dev", "/dev",
                "--proc", "/proc",
                "--unshare-all",
                "--die-with-parent",
                "--new-session",
                "--cap-drop", "ALL"));
        a.addAll(List.of("--bind", scratch.toString(), scratch.toString()));
        for (Bind b : r.readOnlyBinds()) { // after the scratch bind: a target inside it stays read-only
            a.addAll(List.of("--ro-bind", b.source().toAbsolutePath().normalize().toString(),
                    b.target().toAbsolutePath().normalize().toString()));
        }
        a.addAll(List.of("--chdir", (r.workDir() == null ? scratch : r.workDir().toAbsolutePath().normalize())
                .toString()));
        a.add("--");
        return a;
    }

    private static Result execute(Request r, boolean isolated) {
        Path scratch = r.scratch().toAbsolutePath().normalize();
        if (!Files.isDirectory(scratch)) {
            throw new IllegalArgumentException("scratch directory " + scratch + " does not exist");
        }
        List<String> cmd = new ArrayList<>();
        if (isolated) {
            cmd.addAll(bwrapArgs(r));
        }
        if (isolated || Tools.which("prlimit").isPresent()) {
            cmd.add("prlimit");
            cmd.addAll(r.limits().prlimitArgs());
            cmd.add("--");
        }
        cmd.addAll(r.command());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (!isolated) {
            pb.directory((r.workDir() == null ? scratch : r.workDir()).toFile());
        }
        Map<String, String> env = pb.environment();
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        Path tmp = scratch.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", path);
        base.put("HOME", scratch.toString());
        base.put("TMPDIR", tmp.toString());
        base.put("LANG", "C.UTF-8");
        base.put("LC_ALL", "C.UTF-8");
        base.putAll(r.env());
        env.putAll(base);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw KrunpackException.external("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the command may have exited already
        }
        Capture out = new Capture(p.getInputStream(), r.maxOutputBytes());
        Capture err = new Capture(p.getErrorStream(), r.maxOutputBytes());
        boolean finished;
        try {
            finished = p.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while running " + String.join(" ", r.command()));
        }
        if (!finished) {
            killTree(p);
        }
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rc = -1;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String so = out.text(Duration.ofSeconds(5));
        String se = err.text(Duration.ofSeconds(5));
        return new Result(r.command(), rc, !finished, so, se, out.truncated || err.truncated, millis, isolated);
    }

    /** Kills the process and every descendant (bubblewrap's pid namespace ends with its init). */
    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a stream on its own thread, keeping at most {@code max} bytes. */
    private static final class Capture {
        private final CompletableFuture<byte[]> done = new CompletableFuture<>();
        volatile boolean truncated;

        Capture(InputStream in, int max) {
            Thread t = new Thread(() -> {
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        int keep = Math.max(0, Math.min(n, max - kept.size()));
                        kept.write(buf, 0, keep);
                        if (keep < n) {
                            truncated = true;
                        }
                    }
                } catch (IOException e) {
                    // the process was killed: keep what was read
                }
                done.complete(kept.toByteArray());
            }, "krunpack-sandbox-drain");
            t.setDaemon(true);
            t.start();
        }

        String text(Duration wait) {
            try {
                return new String(done.get(wait.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
            } catch (Exception e) {
                // a grandchild outside our tree still holds the pipe: return nothing rather than hang
                return "";
            }
        }
    }

    /** "SIGSEGV" for 11, and so on for the signals a crash or a kill gives. */
    public static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 4 -> "SIGILL";
            case 5 -> "SIGTRAP";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            case 24 -> "SIGXCPU";
            case 25 -> "SIGXFSZ";
            case 31 -> "SIGSYS";
            default -> "signal " + signal;
        };
    }
}
