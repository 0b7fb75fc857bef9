package org.krunpack.copr;

import org.krunpack.core.Artifact;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.StepResult;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code copr watch}: polls builds ({@code GET build/<id>}, {@code GET build-chroot/list}) until
 * each has finished or the time is up, showing per package and chroot the state and the log URL:
 * a redrawn table on a terminal, one line per change otherwise. The outcome decides the exit
 * code: 0 every chroot succeeded (or was skipped), 1 a build failed or was canceled in some
 * chroot, 3 the service failed, a state was not understood, or the time ran out.
 */
public final class BuildWatcher {
    private BuildWatcher() {
    }

    /**
     * @param timeout  stop waiting after this long
     * @param interval time between polls
     * @param terminal redraw a table (true) or print plain lines on changes (false)
     */
    public record Options(Duration timeout, Duration interval, boolean terminal) {
    }

    /** One chroot of a build as last seen. */
    public record ChrootStatus(String name, String state, String logUrl) {
    }

    /** One build as last seen. */
    public record BuildStatus(long id, String packageName, String state, List<ChrootStatus> chroots, String page) {
        boolean finished() {
            return BuildState.parse(state).map(BuildState::finished).orElse(false);
        }
    }

    /** The outcome; {@code exitCode} is 0, 1 or 3. */
    public record Result(List<BuildStatus> builds, int exitCode, List<String> problems) implements StepResult {
        @Override
        public String step() {
            return "copr watch";
        }

        @Override
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public List<Artifact> artifacts() {
            return List.of();
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>(table(builds));
            s.addAll(problems);
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            List<Map<String, Object>> bs = new ArrayList<>();
            for (BuildStatus b : builds) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", b.id());
                m.put("package", b.packageName());
                m.put("state", b.state());
                m.put("page", b.page());
                List<Map<String, Object>> cs = new ArrayList<>();
                for (ChrootStatus c : b.chroots()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("chroot", c.name());
                    cm.put("state", c.state());
                    cm.put("log", c.logUrl());
                    cs.add(cm);
                }
                m.put("chroots", cs);
                bs.add(m);
            }
            d.put("builds", bs);
            d.put("exitCode", exitCode);
            d.put("problems", problems);
            return d;
        }
    }

    /**
     * Watches until every build finished, the timeout passed, or the service failed.
     *
     * @param sleeper waits between polls
     * @param nanos   a monotonic clock in nanoseconds (tests pass a fake one)
     */
    public static Result watch(CoprClient client, List<Long> ids, Options options, PrintWriter out,
                               CoprHttp.Sleeper sleeper, LongSupplier nanos) {
        long deadline = nanos.getAsLong() + options.timeout().toNanos();
        Map<Long, BuildStatus> latest = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        Set<String> unknownReported = new HashSet<>();
        String serviceFailure = null;
        boolean timedOut = false;
        int drawn = 0;
        while (true) {
            try {
                for (long id : ids) {
                    BuildStatus prev = latest.get(id);
                    if (prev != null && prev.finished()) {
                        continue;
                    }
                    latest.put(id, poll(client, id));
                }
            } catch (KrunpackException e) {
                if (e.exitCode() == ExitCode.USAGE) {
                    throw e;
                }
                serviceFailure = e.getMessage();
            }
            for (BuildStatus b : latest.values()) {
                reportUnknown(b, unknownReported, out);
            }
            if (options.terminal()) {
                if (drawn > 0) {
                    out.print("\033[" + drawn + "A\033[J");
                }
                List<String> t = table(new ArrayList<>(latest.values()));
                t.forEach(out::println);
                drawn = t.size();
            } else {
                for (BuildStatus b : latest.values()) {
                    changes(b, seen, out);
                }
            }
            out.flush();
            boolean allDone = latest.size() == ids.size() && latest.values().stream().allMatch(BuildStatus::finished);
            if (allDone || serviceFailure != null) {
                break;
            }
            long left = deadline - nanos.getAsLong();
            if (left <= 0) {
                timedOut = true;
                break;
            }
            try {
                sleeper.sleep(Duration.ofNanos(Math.min(left, options.interval().toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                serviceFailure = "interrupted";
                break;
            }
        }
        return outcome(new ArrayList<>(latest.values()), ids, serviceFailure, timedOut, options.timeout());
    }

    private static BuildStatus poll(CoprClient client, long id) {
        CoprClient.Build b = client.getBuild(id);
        List<ChrootStatus> chroots = new ArrayList<>();
        for (CoprClient.BuildChroot c : client.buildChroots(id)) {
            chroots.add(new ChrootStatus(c.name(), c.state(), c.logUrl()));
        }
        if (chroots.isEmpty()) {
            for (String name : b.chroots()) {
                chroots.add(new ChrootStatus(name, b.state(), null));
            }
        }
        chroots.sort((x, y) -> x.name().compareTo(y.name()));
        String page = client.http().serviceUrl() + "coprs/build/" + id + "/";
        return new BuildStatus(id, b.packageName() == null ? "build" : b.packageName(), b.state(),
                List.copyOf(chroots), page);
    }

    static Result outcome(List<BuildStatus> builds, List<Long> ids, String serviceFailure, boolean timedOut,
                          Duration timeout) {
        List<String> failed = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        for (BuildStatus b : builds) {
            Optional<BuildState> bs = BuildState.parse(b.state());
            boolean chrootFailed = false;
            for (ChrootStatus c : b.chroots()) {
                Optional<BuildState> cs = BuildState.parse(c.state());
                String where = b.packageName() + " #" + b.id() + " " + c.name();
                if (cs.isEmpty()) {
                    unknown.add(where + ": unknown state '" + c.state() + "' (known: " + BuildState.known() + ")");
                } else if (cs.get().bad()) {
                    chrootFailed = true;
                    failed.add(where + ": " + c.state() + (c.logUrl() == null ? "" : ", log: " + c.logUrl()));
                }
            }
            String where = b.packageName() + " #" + b.id();
            if (bs.isEmpty()) {
                unknown.add(where + ": unknown build state '" + b.state() + "' (known: " + BuildState.known() + ")");
            } else if (bs.get().bad() && !chrootFailed) {
                failed.add(where + ": " + b.state() + " before any chroot failed (the SRPM build or import): see "
                        + b.page());
            } else if (!bs.get().finished()) {
                unfinished.add(where + ": still " + b.state());
            }
        }
        for (long id : ids) {
            if (builds.stream().noneMatch(b -> b.id() == id)) {
                unfinished.add("build #" + id + ": never read");
            }
        }
        List<String> problems = new ArrayList<>();
        failed.forEach(f -> problems.add("failed: " + f));
        unknown.forEach(u -> problems.add("not understood: " + u));
        if (serviceFailure != null) {
            problems.add("service: " + serviceFailure);
        }
        if (timedOut) {
            problems.add("timed out after " + human(timeout) + "; " + String.join("; ", unfinished)
                    + " (run 'krunpack copr watch' again to keep following)");
        }
        int code;
        if (!failed.isEmpty()) {
            code = ExitCode.CHECK_FAILED.code();
        } else if (serviceFailure != null || timedOut || !unknown.isEmpty() || !unfinished.isEmpty()) {
            code = ExitCode.EXTERNAL.code();
        } else {
            code = ExitCode.OK.code();
        }
        return new Result(List.copyOf(builds), code, List.copyOf(problems));
    }

    private static void reportUnknown(BuildStatus b, Set<String> reported, PrintWriter out) {
        if (BuildState.parse(b.state()).isEmpty() && reported.add(b.id() + "")) {
            out.println("copr: " + b.packageName() + " #" + b.id() + ": COPR reports state '" + b.state()
                    + "', which krunpack does not know (known: " + BuildState.known() + "); still watching");
        }
        for (ChrootStatus c : b.chroots()) {
            if (BuildState.parse(c.state()).isEmpty() && reported.add(b.id() + "/" + c.name())) {
                out.println("copr: " + b.packageName() + " #" + b.id() + " " + c.name() + ": COPR reports state '"
                        + c.state() + "', which krunpack does not know (known: " + BuildState.known()
                        + "); still watching");
            }
        }
    }

    private static void changes(BuildStatus b, Map<String, String> seen, PrintWriter out) {
        for (ChrootStatus c : b.chroots()) {
            String key = b.id() + "/" + c.name();
            String before = seen.put(key, c.state());
            if (!c.state().equals(before)) {
                out.println(b.packageName() + " #" + b.id() + " " + c.name() + ": "
                        + (before == null ? "" : before + " -> ") + c.state()
                        + (BuildState.parse(c.state()).map(BuildState::finished).orElse(false) && c.logUrl() != null
                        ? "  " + c.logUrl() : ""));
            }
        }
    }

    /** Rows: package, build, chroot, state, log URL. */
    static List<String> table(List<BuildStatus> builds) {
        int pw = 7;
        int cw = 6;
        for (BuildStatus b : builds) {
            pw = Math.max(pw, b.packageName().length());
            for (ChrootStatus c : b.chroots()) {
                cw = Math.max(cw, c.name().length());
            }
        }
        List<String> rows = new ArrayList<>();
        String fmt = "%-" + pw + "s  %-9s  %-" + cw + "s  %-9s  %s";
        rows.add(String.format(fmt, "package", "build", "chroot", "state", "log").stripTrailing());
        for (BuildStatus b : builds) {
            if (b.chroots().isEmpty()) {
                rows.add(String.format(fmt, b.packageName(), "#" + b.id(), "-", b.state(), b.page()).stripTrailing());
            }
            for (ChrootStatus c : b.chroots()) {
                rows.add(String.format(fmt, b.packageName(), "#" + b.id(), c.name(), c.state(),
                        c.logUrl() == null ? "-" : c.logUrl()).stripTrailing());
            }
        }
        return rows;
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600 && s % 60 == 0) {
            return (s / 3600) + " h " + (s % 3600) / 60 + " min";
        }
        if (s >= 60) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return d.toMillis() >= 1000 ? s + " s" : d.toMillis() + " ms";
    }
}
