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
 * a redrawn table on a terminal, one line per change otherwise. A build that failed before any
 * chroot (its SRPM build) is shown with the SRPM build's log ({@code GET build/source-chroot/<id>}).
 * The outcome decides the exit code: 0 every chroot succeeded (or was skipped), 1 a build failed
 * or was canceled in some chroot, 3 the service failed, a state was not understood, or the time
 * ran out. {@link BuildChain} follows a chain with the same {@link Tracker}.
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
        Optional<BuildState> parsed() {
            return BuildState.parse(state);
        }
    }

    /**
     * One build as last seen.
     *
     * @param srpmLog the SRPM build's log when the build failed before any chroot, else null
     */
    public record BuildStatus(long id, String packageName, String state, List<ChrootStatus> chroots, String page,
                              String srpmLog) {
        /**
         * True when COPR will not change it any more: failed or canceled as a whole; or succeeded,
         * skipped, forked or {@code unknown} (COPR's word when no chroot is in a state it ranks) with
         * every chroot in a finished state krunpack knows. A chroot in a state krunpack does not know
         * keeps the build unfinished: it is reported, never taken for a success.
         */
        public boolean finished() {
            Optional<BuildState> s = BuildState.parse(state);
            if (s.isPresent() && s.get().bad()) {
                return true;
            }
            boolean chrootsDone = chroots.stream().allMatch(c -> c.parsed().map(BuildState::finished).orElse(false));
            if (s.isPresent() && s.get().finished()) {
                return chrootsDone;
            }
            return s.orElse(null) == BuildState.UNKNOWN && !chroots.isEmpty() && chrootsDone;
        }

        /** True when the build failed or was canceled in some chroot, or before any chroot. */
        public boolean bad() {
            return BuildState.parse(state).map(BuildState::bad).orElse(false)
                    || chroots.stream().anyMatch(c -> c.parsed().map(BuildState::bad).orElse(false));
        }

        /** True when the SRPM build (or its import) failed: no chroot ever ran. */
        public boolean failedBeforeChroots() {
            return BuildState.parse(state).orElse(null) == BuildState.FAILED
                    && chroots.stream().allMatch(c -> c.logUrl() == null
                    && c.parsed().map(st -> st == BuildState.FAILED).orElse(false));
        }

        /** One line per failed or canceled chroot (or one for the SRPM build), with its log. */
        public List<String> failures() {
            List<String> out = new ArrayList<>();
            String where = packageName + " #" + id;
            if (failedBeforeChroots()) {
                out.add(where + ": the SRPM build failed before any chroot built, log: "
                        + (srpmLog != null ? srpmLog : "(none yet) see " + page));
                return out;
            }
            for (ChrootStatus c : chroots) {
                if (c.parsed().map(BuildState::bad).orElse(false)) {
                    out.add(where + " " + c.name() + ": " + c.state() + ", log: "
                            + (c.logUrl() == null ? "(none) see " + page : c.logUrl()));
                }
            }
            if (out.isEmpty() && BuildState.parse(state).map(BuildState::bad).orElse(false)) {
                out.add(where + ": " + state + ", see " + page);
            }
            return out;
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
            d.put("builds", describe(builds));
            d.put("exitCode", exitCode);
            d.put("problems", problems);
            return d;
        }
    }

    /** The builds as JSON-ready maps. */
    static List<Map<String, Object>> describe(List<BuildStatus> builds) {
        List<Map<String, Object>> bs = new ArrayList<>();
        for (BuildStatus b : builds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", b.id());
            m.put("package", b.packageName());
            m.put("state", b.state());
            m.put("page", b.page());
            m.put("srpmLog", b.srpmLog());
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
        return bs;
    }

    /** Polls builds and shows what changed; keeps the last state of each. */
    static final class Tracker {
        private final CoprClient client;
        private final PrintWriter out;
        private final boolean terminal;
        private final Map<Long, BuildStatus> latest = new LinkedHashMap<>();
        private final Map<String, String> seen = new HashMap<>();
        private final Set<String> unknownReported = new HashSet<>();
        private int drawn;

        Tracker(CoprClient client, PrintWriter out, boolean terminal) {
            this.client = client;
            this.out = out;
            this.terminal = terminal;
        }

        /** Polls {@code id} unless it has finished already; returns its latest status. */
        BuildStatus poll(long id, String expectedPackage) {
            BuildStatus prev = latest.get(id);
            if (prev != null && prev.finished()) {
                return prev;
            }
            BuildStatus now = read(id, expectedPackage);
            latest.put(id, now);
            return now;
        }

        BuildStatus get(long id) {
            return latest.get(id);
        }

        List<BuildStatus> all() {
            return new ArrayList<>(latest.values());
        }

        /** Prints the round: unknown states once, then the table (terminal) or the changed chroots. */
        void show() {
            for (BuildStatus b : latest.values()) {
                reportUnknown(b);
            }
            if (terminal) {
                if (drawn > 0) {
                    out.print("\033[" + drawn + "A\033[J");
                }
                List<String> t = table(new ArrayList<>(latest.values()));
                t.forEach(out::println);
                drawn = t.size();
            } else {
                for (BuildStatus b : latest.values()) {
                    changes(b);
                }
            }
            out.flush();
        }

        /** A line that stays above the redrawn table. */
        void say(String line) {
            out.println(line);
            out.flush();
            drawn = 0;
        }

        private BuildStatus read(long id, String expectedPackage) {
            CoprClient.Build b = client.getBuild(id);
            List<ChrootStatus> chroots = new ArrayList<>();
            for (CoprClient.BuildChroot c : client.buildChroots(id)) {
                chroots.add(new ChrootStatus(c.name(), c.state(), c.logUrl()));
            }
            if (chroots.isEmpty()) {
                // no build chroots yet (COPR creates them with the build or after its SRPM is imported)
                for (String name : b.chroots()) {
                    chroots.add(new ChrootStatus(name, b.state(), null));
                }
            }
            chroots.sort((x, y) -> x.name().compareTo(y.name()));
            String page = client.http().serviceUrl() + "coprs/build/" + id + "/";
            String name = b.packageName() != null ? b.packageName() : expectedPackage != null ? expectedPackage
                    : "build";
            BuildStatus st = new BuildStatus(id, name, b.state(), List.copyOf(chroots), page, null);
            if (st.failedBeforeChroots()) {
                st = new BuildStatus(id, name, b.state(), st.chroots(), page, srpmLog(id));
            }
            return st;
        }

        /** The SRPM build's log, or null when COPR has none to show. */
        private String srpmLog(long id) {
            try {
                CoprClient.BuildChroot src = client.sourceChroot(id);
                return src.logUrl();
            } catch (KrunpackException e) {
                if (e.exitCode() == ExitCode.USAGE) {
                    throw e;
                }
                out.println("copr: build #" + id + ": the SRPM build's log is not available ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
                return null;
            }
        }

        private void reportUnknown(BuildStatus b) {
            if (BuildState.parse(b.state()).isEmpty() && unknownReported.add(b.id() + "")) {
                say("copr: " + b.packageName() + " #" + b.id() + ": COPR reports state '" + b.state()
                        + "', which krunpack does not know (known: " + BuildState.known() + "); still watching");
            }
            for (ChrootStatus c : b.chroots()) {
                if (c.parsed().isEmpty() && unknownReported.add(b.id() + "/" + c.name())) {
                    say("copr: " + b.packageName() + " #" + b.id() + " " + c.name() + ": COPR reports state '"
                            + c.state() + "', which krunpack does not know (known: " + BuildState.known()
                            + "); still watching");
                }
            }
        }

        private void changes(BuildStatus b) {
            for (ChrootStatus c : b.chroots()) {
                String key = b.id() + "/" + c.name();
                String before = seen.put(key, c.state());
                if (!c.state().equals(before)) {
                    out.println(b.packageName() + " #" + b.id() + " " + c.name() + ": "
                            + (before == null ? "" : before + " -> ") + c.state()
                            + (c.parsed().map(BuildState::finished).orElse(false) && c.logUrl() != null
                            ? "  " + c.logUrl() : ""));
                }
            }
            if (b.srpmLog() != null && seen.put(b.id() + "/srpm", b.srpmLog()) == null) {
                out.println(b.packageName() + " #" + b.id() + " SRPM build: failed  " + b.srpmLog());
            }
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
        Tracker tracker = new Tracker(client, out, options.terminal());
        String serviceFailure = null;
        boolean timedOut = false;
        while (true) {
            try {
                for (long id : ids) {
                    tracker.poll(id, null);
                }
            } catch (KrunpackException e) {
                if (e.exitCode() == ExitCode.USAGE) {
                    throw e;
                }
                serviceFailure = e.getMessage();
            }
            tracker.show();
            List<BuildStatus> now = tracker.all();
            boolean allDone = now.size() == ids.size() && now.stream().allMatch(BuildStatus::finished);
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
        return outcome(tracker.all(), ids, serviceFailure, timedOut, options.timeout());
    }

    static Result outcome(List<BuildStatus> builds, List<Long> ids, String serviceFailure, boolean timedOut,
                          Duration timeout) {
        List<String> failed = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        for (BuildStatus b : builds) {
            failed.addAll(b.failures());
            for (ChrootStatus c : b.chroots()) {
                if (c.parsed().isEmpty()) {
                    unknown.add(b.packageName() + " #" + b.id() + " " + c.name() + ": unknown state '" + c.state()
                            + "' (known: " + BuildState.known() + ")");
                }
            }
            String where = b.packageName() + " #" + b.id();
            if (BuildState.parse(b.state()).isEmpty()) {
                unknown.add(where + ": unknown build state '" + b.state() + "' (known: " + BuildState.known() + ")");
            } else if (!b.finished()) {
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
            if (b.srpmLog() != null) {
                rows.add(String.format(fmt, b.packageName(), "#" + b.id(), "(SRPM)", "failed", b.srpmLog())
                        .stripTrailing());
            }
            for (ChrootStatus c : b.chroots()) {
                rows.add(String.format(fmt, b.packageName(), "#" + b.id(), c.name(), c.state(),
                        c.logUrl() == null ? "-" : c.logUrl()).stripTrailing());
            }
        }
        return rows;
    }

    static String human(Duration d) {
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
