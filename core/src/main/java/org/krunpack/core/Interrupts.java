package org.krunpack.core;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What krunpack does on SIGINT (Ctrl-C) and SIGTERM: stop every child process tree it started
 * (each runs in its own process group, see {@link Tools}), remove the temporaries of the run,
 * say what was interrupted, exit 130. A run killed with -9 cannot do this: its children die with
 * it (a parent-death signal) and its temporaries carry its pid, so the next run removes them
 * ({@link #ownerPid}, {@link #ownerAlive}).
 */
public final class Interrupts {
    /** The exit code of an interrupted run (128 + SIGINT, whichever of SIGINT or SIGTERM it was). */
    public static final int EXIT = 130;

    private static final Set<Path> TEMPORARIES = ConcurrentHashMap.newKeySet();
    private static volatile String activity;
    private static volatile boolean installed;
    private static volatile boolean interrupting;

    private Interrupts() {
    }

    /**
     * Installs the handlers for SIGINT and SIGTERM (once per process). {@code json} (may be null)
     * makes the one JSON document {@code --format json} promises from the message, printed on
     * {@code out}.
     */
    public static synchronized void install(PrintStream err, PrintStream out, String command,
                                            java.util.function.UnaryOperator<String> json) {
        if (installed) {
            return;
        }
        installed = true;
        // The threads the interruption stopped must not end the run first with their own exit code.
        Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::holdWhileInterrupting, "krunpack-interrupt-wait"));
        for (String sig : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> interrupted("SIG" + sig, err, out, command, json));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // a JVM run with -Xrs, or a signal the platform does not have: the default applies
            }
        }
    }

    /** Says what the run is doing now, for the message of an interruption (null: nothing special). */
    public static void activity(String what) {
        activity = what;
    }

    /** A temporary path of this run, removed when the run is interrupted. */
    public static Path temporary(Path p) {
        TEMPORARIES.add(p.toAbsolutePath());
        return p;
    }

    /** {@code p} is no longer a temporary (renamed into place, or removed). */
    public static void done(Path p) {
        TEMPORARIES.remove(p.toAbsolutePath());
    }

    /** True once an interruption is being handled: nothing new may start (see {@link #holdWhileInterrupting}). */
    public static boolean interrupting() {
        return interrupting;
    }

    /** Blocks a thread that would go on while an interruption is handled; the handler ends the process. */
    public static void holdWhileInterrupting() {
        if (!interrupting) {
            return;
        }
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void interrupted(String signal, PrintStream err, PrintStream out, String command,
                                    java.util.function.UnaryOperator<String> json) {
        if (interrupting) {
            return; // a second Ctrl-C while the first one is handled
        }
        interrupting = true;
        // Runs on the JVM's signal thread: stop the children first, so nothing writes into what we remove.
        List<String> stopped = Tools.stopAll();
        List<String> removed = new ArrayList<>();
        Set<Path> temps = new LinkedHashSet<>();
        for (Path p : TEMPORARIES) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                temps.add(p);
            }
        }
        for (int attempt = 0; attempt < 5 && !temps.isEmpty(); attempt++) {
            for (Path p : new ArrayList<>(temps)) {
                try {
                    AtomicFiles.deleteTree(p);
                    removed.add(p.toString());
                    temps.remove(p);
                } catch (RuntimeException e) {
                    // a thread of ours was still writing there (it stops at its next entry): try again
                }
            }
        }
        StringBuilder sb = new StringBuilder("interrupted (" + signal + ")");
        String a = activity;
        if (a != null) {
            sb.append(" during ").append(a);
        } else if (command != null) {
            sb.append(" during krunpack ").append(command);
        }
        for (String s : stopped) {
            sb.append("\n  stopped ").append(s);
        }
        for (String r : removed) {
            sb.append("\n  removed ").append(r);
        }
        for (Path p : temps) {
            sb.append("\n  could not remove ").append(p).append(" (the next run removes it)");
        }
        if (json != null) {
            out.println(json.apply(sb.toString()));
            out.flush();
        }
        err.println("krunpack: " + sb);
        err.flush();
        Runtime.getRuntime().halt(EXIT);
    }

    /** The pid a temporary's name records ({@code <anything>.tmp-<pid>-<anything>}), or -1. */
    public static long ownerPid(String name) {
        int i = name.indexOf(".tmp-");
        if (i < 0) {
            return -1;
        }
        int start = i + ".tmp-".length();
        int end = start;
        while (end < name.length() && Character.isDigit(name.charAt(end))) {
            end++;
        }
        if (end == start || end >= name.length() || name.charAt(end) != '-' || end - start > 18) {
            return -1;
        }
        return Long.parseLong(name.substring(start, end));
    }

    /** True when the process that owns a temporary named {@code name} is alive (or unknown: keep it). */
    public static boolean ownerAlive(String name) {
        long pid = ownerPid(name);
        return pid < 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The infix naming this process as a temporary's owner: {@code .tmp-<pid>-}. */
    public static String ownerTag() {
        return ".tmp-" + ProcessHandle.current().pid() + "-";
    }
}
