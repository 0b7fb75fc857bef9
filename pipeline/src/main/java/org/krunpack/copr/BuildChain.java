package org.krunpack.copr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.core.StepResult;
import org.krunpack.project.CoprSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The build chain libkrunfw → libkrun → crun in COPR, one level at a time: a level is submitted
 * only after every build of the level before it succeeded (or was skipped) in every chroot. When
 * a build fails anywhere, nothing below it is ever submitted, so the project never receives a crun
 * built against a libkrun that failed. Builds of one level go into one COPR batch
 * ({@code with_build_id}). COPR's own {@code after_build_id} is not used: a batch waits for the
 * previous batch to <em>finish</em>, failed or not, and COPR refuses it for a build that has
 * finished already.
 *
 * <p>The chain is recorded in {@code OUT/copr/builds.json} after every submission: {@code copr
 * watch} goes on with it from there (also after an interruption).
 */
public final class BuildChain {
    private BuildChain() {
    }

    /**
     * One link of the chain.
     *
     * @param level          0 for the first level
     * @param source         the SRPM's path (upload) or the spec's path in the repository (scm)
     * @param versionRelease the SRPM's VERSION-RELEASE, null for scm
     * @param id             the COPR build, null while not submitted
     * @param withBuildId    the build whose batch this one joined, or null
     * @param adopted        found after a failed attempt instead of created
     */
    public record Link(int level, String pkg, String source, String versionRelease, Long id, Long withBuildId,
                       boolean adopted) {
        Link submitted(long newId, Long with, boolean wasAdopted) {
            return new Link(level, pkg, source, versionRelease, newId, with, wasAdopted);
        }
    }

    /**
     * A chain: what to build, how, and how far it got.
     *
     * @param method  "upload" or "scm"
     * @param options the options every build carries (ownername, projectname, chroots, timeout, enable_net)
     * @param scm     for scm: where COPR clones from
     * @param after   a build the first level waits for (it must succeed), or null
     * @param stopped why the chain stopped, or null
     */
    public record Plan(String owner, String project, String method, ObjectNode options, CoprSettings.Scm scm,
                       Long after, List<Link> links, String stopped) {
        public Plan {
            links = List.copyOf(links);
        }

        String fullName() {
            return owner + "/" + project;
        }

        int levels() {
            return links.stream().mapToInt(Link::level).max().orElse(-1) + 1;
        }

        List<Link> level(int l) {
            return links.stream().filter(k -> k.level() == l).toList();
        }

        Plan with(Link old, Link now) {
            List<Link> ls = new ArrayList<>(links);
            ls.set(ls.indexOf(old), now);
            return new Plan(owner, project, method, options, scm, after, ls, stopped);
        }

        Plan stop(String why) {
            return new Plan(owner, project, method, options, scm, after, links, why);
        }

        /** The builds submitted so far. */
        public List<Long> ids() {
            return links.stream().map(Link::id).filter(java.util.Objects::nonNull).toList();
        }
    }

    /** What {@code copr build} or {@code copr watch} did with a chain; {@code exitCode} 0, 1 or 3. */
    public record Result(String step, Plan plan, boolean dryRun, boolean detached, List<BuildWatcher.BuildStatus> builds,
                         List<String> notSubmitted, int exitCode, List<String> problems, Path record)
            implements StepResult {
        @Override
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public List<Artifact> artifacts() {
            return record == null ? List.of() : List.of(new Artifact("copr-builds", record));
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            long submitted = plan.links().stream().filter(k -> k.id() != null).count();
            s.add(plan.fullName() + ": " + (dryRun ? "dry run, nothing sent; the chain has "
                    : submitted + " of ") + plan.links().size() + " " + plan.method() + " builds in "
                    + plan.levels() + (plan.levels() == 1 ? " level" : " levels")
                    + (dryRun ? "" : " submitted"));
            for (Link k : plan.links()) {
                s.add("level " + (k.level() + 1) + ": " + k.pkg() + (k.id() == null ? "" : " #" + k.id())
                        + " from " + k.source() + (k.withBuildId() == null ? "" : " (batch of #" + k.withBuildId() + ")")
                        + (k.adopted() ? " (found after a retry: submitted once)" : ""));
            }
            if (!builds.isEmpty()) {
                s.addAll(BuildWatcher.table(builds));
            }
            s.addAll(problems);
            if (detached && plan.stopped() == null && plan.links().stream().anyMatch(k -> k.id() == null)) {
                s.add("the next levels are submitted as the ones before them succeed: follow with"
                        + " 'krunpack copr watch' (it goes on with the chain)");
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("project", plan.fullName());
            d.put("method", plan.method());
            d.put("dryRun", dryRun);
            d.put("detached", detached);
            d.put("after", plan.after());
            List<Map<String, Object>> ls = new ArrayList<>();
            for (Link k : plan.links()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("level", k.level() + 1);
                m.put("package", k.pkg());
                m.put("source", k.source());
                m.put("id", k.id());
                m.put("with_build_id", k.withBuildId());
                m.put("adopted", k.adopted());
                ls.add(m);
            }
            d.put("links", ls);
            d.put("builds", BuildWatcher.describe(builds));
            d.put("stopped", plan.stopped());
            d.put("notSubmitted", notSubmitted);
            d.put("exitCode", exitCode);
            d.put("problems", problems);
            return d;
        }
    }

    // ---- plans ----

    /** A chain of uploads: one SRPM per chain package (all problems at once, exit 2). */
    public static Plan upload(CoprSettings s, List<Path> files, Long after) {
        List<BuildSubmitter.Srpm> srpms = BuildSubmitter.order(files, s.packages());
        List<Link> links = new ArrayList<>();
        for (int l = 0; l < s.chain().size(); l++) {
            for (String pkg : s.chain().get(l)) {
                BuildSubmitter.Srpm srpm = srpms.stream().filter(x -> x.name().equals(pkg)).findFirst().orElseThrow();
                links.add(new Link(l, pkg, srpm.file().toAbsolutePath().normalize().toString(),
                        srpm.version() + "-" + srpm.release(), null, null, false));
            }
        }
        return new Plan(s.owner(), s.project(), "upload", BuildSubmitter.options(s), null, after, links, null);
    }

    /** A chain COPR builds from git with make_srpm: {@code SPECDIR/PACKAGE.spec} per link. */
    public static Plan scm(CoprSettings s, CoprSettings.Scm scm, String specDir, Long after) {
        Problems problems = new Problems("copr build --scm");
        if (scm.cloneUrl() == null || !CoprSettings.cloneable(scm.cloneUrl())) {
            problems.add("copr.scm.clone_url", "'" + scm.cloneUrl() + "' is not a URL COPR can clone");
        }
        if (specDir != null && (specDir.startsWith("/") || specDir.contains(".."))) {
            problems.add("--spec-dir", "'" + specDir + "' must be a relative path inside the repository");
        }
        problems.throwIfAny();
        List<Link> links = new ArrayList<>();
        for (int l = 0; l < s.chain().size(); l++) {
            for (String pkg : s.chain().get(l)) {
                String spec = (specDir == null || specDir.isEmpty() ? "" : specDir + "/") + pkg + ".spec";
                links.add(new Link(l, pkg, spec, null, null, null, false));
            }
        }
        return new Plan(s.owner(), s.project(), "scm", BuildSubmitter.options(s), scm, after, links, null);
    }

    // ---- the record ----

    /** Writes {@code dir/builds.json} atomically. */
    static Path write(Plan p, Path dir) {
        if (dir == null) {
            return null;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("project", p.fullName());
        doc.put("ownername", p.owner());
        doc.put("projectname", p.project());
        doc.put("method", p.method());
        doc.put("options", p.options());
        if (p.scm() != null) {
            Map<String, Object> scm = new LinkedHashMap<>();
            scm.put("clone_url", p.scm().cloneUrl());
            scm.put("committish", p.scm().committish());
            scm.put("subdirectory", p.scm().subdirectory());
            doc.put("scm", scm);
        }
        doc.put("after", p.after());
        doc.put("stopped", p.stopped());
        List<Map<String, Object>> ls = new ArrayList<>();
        for (Link k : p.links()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("level", k.level());
            m.put("package", k.pkg());
            m.put("source", k.source());
            m.put("versionRelease", k.versionRelease());
            m.put("id", k.id());
            m.put("with_build_id", k.withBuildId());
            m.put("adopted", k.adopted());
            ls.add(m);
        }
        doc.put("links", ls);
        try {
            return AtomicFiles.writeString(dir.resolve("builds.json"), CoprHttp.JSON.writeValueAsString(doc) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chain recorded by the last {@code copr build} in {@code dir/builds.json} (exit 2 when absent or unreadable). */
    public static Plan read(Path dir) {
        Path f = dir.resolve("builds.json");
        if (!Files.isRegularFile(f)) {
            throw KrunpackException.usage("no build ids given and " + f + " does not exist: pass BUILD_ID..., or run"
                    + " 'krunpack copr build' first (with the same --out)");
        }
        try {
            JsonNode doc = CoprHttp.JSON.readTree(f.toFile());
            List<Link> links = new ArrayList<>();
            for (JsonNode k : doc.path("links")) {
                links.add(new Link(k.path("level").asInt(), k.path("package").asText(), k.path("source").asText(),
                        text(k, "versionRelease"), k.path("id").isIntegralNumber() ? k.get("id").asLong() : null,
                        k.path("with_build_id").isIntegralNumber() ? k.get("with_build_id").asLong() : null,
                        k.path("adopted").asBoolean(false)));
            }
            String owner = text(doc, "ownername");
            String project = text(doc, "projectname");
            String method = text(doc, "method");
            if (links.isEmpty() || owner == null || project == null || !doc.path("options").isObject()
                    || !("upload".equals(method) || "scm".equals(method))) {
                throw KrunpackException.usage(f + ": not a chain record of 'krunpack copr build' (run it again, or"
                        + " pass BUILD_ID...)");
            }
            CoprSettings.Scm scm = null;
            if (doc.path("scm").isObject()) {
                JsonNode s = doc.get("scm");
                scm = new CoprSettings.Scm(text(s, "clone_url"), text(s, "committish"), text(s, "subdirectory"));
            }
            Long after = doc.path("after").isIntegralNumber() ? doc.get("after").asLong() : null;
            return new Plan(owner, project, method, (ObjectNode) doc.get("options"), scm, after, links,
                    text(doc, "stopped"));
        } catch (IOException e) {
            throw KrunpackException.usage(f + ": cannot read: " + e.getMessage() + "; pass BUILD_ID...");
        }
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }

    // ---- running ----

    /** How to run: detach after the first level, watch options, clocks. */
    public record Run(boolean detach, BuildWatcher.Options watch, CoprHttp.Sleeper sleeper, LongSupplier nanos,
                      LongSupplier clock, Path recordDir, String step) {
    }

    /** Prints every request the chain would send, sends none. */
    public static Result dryRun(CoprClient client, Plan plan, Duration interval, PrintWriter log) {
        CoprHttp http = client.http();
        String api = http.serviceUrl() + "api_3/";
        log.println("dry run: nothing is sent. krunpack would send:");
        log.print(http.describe(CoprClient.authCheckRequest()));
        log.print(http.describe(CoprClient.checkBeforeBuildRequest(plan.options())));
        if (plan.after() != null) {
            log.print(http.describe(CoprClient.getBuildRequest(plan.after())));
            log.println("then, every " + BuildWatcher.human(interval) + ", the same until build #" + plan.after()
                    + " finished; the chain starts only if it succeeded in every chroot");
        }
        for (int l = 0; l < plan.levels(); l++) {
            List<Link> level = plan.level(l);
            if (l > 0) {
                log.println("only after " + names(plan.level(l - 1)) + " succeeded in every chroot (if one fails,"
                        + " the chain stops and nothing below is sent):");
            }
            log.println("level " + (l + 1) + ":");
            String first = null;
            for (Link k : level) {
                ObjectNode json = plan.options().deepCopy();
                if (first != null) {
                    json.put("with_build_id", "<id COPR gives the " + first + " build>");
                }
                log.print(http.describe(request(plan, k, json)));
                if (first == null) {
                    first = k.pkg();
                }
            }
            for (Link k : level) {
                String id = "<id of the " + k.pkg() + " build>";
                log.println("GET " + api + "build/" + id + "\nGET " + api + "build-chroot/list?build_id=" + id);
            }
            log.println("  (every " + BuildWatcher.human(interval) + " until finished; for a build that failed before"
                    + " any chroot: GET " + api + "build/source-chroot/<id>)");
        }
        log.flush();
        return new Result("copr build", plan, true, false, List.of(), List.of(), 0, List.of(), null);
    }

    /** Checks login and options, submits the first level, then (unless detached) follows the chain. */
    public static Result start(CoprClient client, Plan plan, Run run, PrintWriter log) {
        String username = client.authCheck();
        // what copr-cli does before an upload: project, permission, chroots, timeout, in one small request
        client.checkBeforeBuild(plan.options());
        if (plan.after() != null) {
            CoprClient.Build gate = client.getBuild(plan.after());
            log.println("copr: the chain starts after build #" + plan.after() + " (" + gate.state() + ")");
        }
        Path record = write(plan, run.recordDir());
        return follow(client, plan, username, run, log, record);
    }

    /** Goes on with a recorded chain ({@code copr watch}). */
    public static Result resume(CoprClient client, Plan plan, Run run, PrintWriter log) {
        boolean pending = plan.stopped() == null && plan.links().stream().anyMatch(k -> k.id() == null);
        String username = null;
        if (pending) {
            Problems missing = new Problems("copr watch");
            for (Link k : plan.links()) {
                if (k.id() == null && plan.method().equals("upload") && !Files.isRegularFile(Path.of(k.source()))) {
                    missing.add(k.source(), "the SRPM of " + k.pkg() + " is gone: the chain cannot go on (build it"
                            + " again with 'krunpack srpm' and run 'krunpack copr build')");
                }
            }
            missing.throwIfAny();
            username = client.authCheck();
        }
        return follow(client, plan, username, run, log, run.recordDir() == null ? null
                : run.recordDir().resolve("builds.json"));
    }

    private static Result follow(CoprClient client, Plan start, String username, Run run, PrintWriter log,
                                 Path record) {
        BuildWatcher.Tracker tracker = new BuildWatcher.Tracker(client, log, run.watch().terminal());
        long deadline = run.nanos().getAsLong() + run.watch().timeout().toNanos();
        Plan plan = start;
        String serviceFailure = null;
        boolean timedOut = false;
        boolean gateFailed = false;
        while (true) {
            try {
                boolean gateOpen = plan.after() == null || plan.links().stream().anyMatch(k -> k.id() != null);
                if (!gateOpen) {
                    BuildWatcher.BuildStatus g = tracker.poll(plan.after(), null);
                    if (g.finished() && g.bad()) {
                        gateFailed = true;
                        plan = plan.stop("build #" + plan.after() + " (--after) did not succeed: "
                                + String.join("; ", g.failures()));
                        tracker.say("copr: the chain stops before it starts: " + plan.stopped());
                    } else if (g.finished()) {
                        gateOpen = true;
                    }
                }
                for (Link k : plan.links()) {
                    if (k.id() != null) {
                        tracker.poll(k.id(), k.pkg());
                    }
                }
                tracker.show();
                if (gateOpen && plan.stopped() == null) {
                    plan = advance(client, plan, tracker, username, run, log);
                    record = write(plan, run.recordDir());
                }
            } catch (KrunpackException e) {
                if (e.exitCode() == ExitCode.USAGE || e.exitCode() == ExitCode.CHECK_FAILED) {
                    write(plan, run.recordDir());
                    throw e;
                }
                serviceFailure = e.getMessage();
                break;
            }
            if (run.detach()) {
                break;
            }
            List<BuildWatcher.BuildStatus> seen = tracker.all();
            boolean submittedDone = plan.links().stream().filter(k -> k.id() != null)
                    .allMatch(k -> seen.stream().anyMatch(b -> b.id() == k.id() && b.finished()));
            boolean nothingLeft = plan.stopped() != null || plan.links().stream().allMatch(k -> k.id() != null);
            if (submittedDone && nothingLeft) {
                break;
            }
            long left = deadline - run.nanos().getAsLong();
            if (left <= 0) {
                timedOut = true;
                break;
            }
            try {
                run.sleeper().sleep(Duration.ofNanos(Math.min(left, run.watch().interval().toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                serviceFailure = "interrupted";
                break;
            }
        }
        List<String> notSubmitted = plan.links().stream().filter(k -> k.id() == null).map(Link::pkg).toList();
        List<BuildWatcher.BuildStatus> builds = new ArrayList<>();
        for (Link k : plan.links()) {
            if (k.id() != null && tracker.get(k.id()) != null) {
                builds.add(tracker.get(k.id()));
            }
        }
        if (run.detach()) {
            return new Result(run.step(), plan, false, true, builds, notSubmitted, 0, List.of(), record);
        }
        BuildWatcher.Result w = BuildWatcher.outcome(builds, plan.ids(), serviceFailure, timedOut,
                run.watch().timeout());
        List<String> problems = new ArrayList<>(w.problems());
        int code = w.exitCode();
        if (gateFailed) {
            problems.add(0, "failed: " + plan.stopped());
            code = ExitCode.CHECK_FAILED.code();
        }
        if (!notSubmitted.isEmpty()) {
            if (plan.stopped() != null) {
                problems.add("not submitted (the chain stopped): " + String.join(", ", notSubmitted));
            } else {
                problems.add("not submitted yet: " + String.join(", ", notSubmitted) + " (they go in once the"
                        + " levels before them succeeded: run 'krunpack copr watch' to go on)");
                if (code == 0) {
                    code = ExitCode.EXTERNAL.code();
                }
            }
        }
        return new Result(run.step(), plan, false, false, builds, notSubmitted, code, problems, record);
    }

    /**
     * Looks at the first level that is not done: a failure anywhere in it stops the chain; when
     * every level before the first unsubmitted one succeeded, submits that level.
     */
    private static Plan advance(CoprClient client, Plan plan, BuildWatcher.Tracker tracker, String username, Run run,
                                PrintWriter log) {
        for (int l = 0; l < plan.levels(); l++) {
            List<Link> level = plan.level(l);
            List<String> failures = new ArrayList<>();
            boolean unfinished = false;
            for (Link k : level) {
                if (k.id() == null) {
                    continue;
                }
                BuildWatcher.BuildStatus b = tracker.get(k.id());
                if (b == null) {
                    unfinished = true;
                    continue;
                }
                if (b.bad()) {
                    failures.addAll(b.failures());
                }
                if (!b.finished()) {
                    unfinished = true;
                }
            }
            if (!failures.isEmpty()) {
                List<String> below = plan.links().stream().filter(k -> k.id() == null).map(Link::pkg).toList();
                Plan stopped = plan.stop(String.join("; ", failures));
                tracker.say("copr: the chain stops: " + stopped.stopped()
                        + (below.isEmpty() ? "" : "; not submitted: " + String.join(", ", below)));
                return stopped;
            }
            if (level.stream().anyMatch(k -> k.id() == null)) {
                return submitLevel(client, plan, l, tracker, username, run, log);
            }
            if (unfinished) {
                return plan;
            }
        }
        return plan;
    }

    private static Plan submitLevel(CoprClient client, Plan plan, int l, BuildWatcher.Tracker tracker,
                                    String username, Run run, PrintWriter log) {
        Set<Long> known = new HashSet<>(plan.ids());
        Long batch = plan.level(l).stream().map(Link::id).filter(java.util.Objects::nonNull)
                .filter(id -> tracker.get(id) == null || !tracker.get(id).finished()).findFirst().orElse(null);
        for (Link k : plan.level(l)) {
            if (k.id() != null) {
                continue;
            }
            ObjectNode json = plan.options().deepCopy();
            if (batch != null) {
                json.put("with_build_id", batch);
            }
            CoprHttp.Request req = request(plan, k, json);
            BuildSubmitter.Submitted sub;
            try {
                sub = BuildSubmitter.submit(client, plan.owner(), plan.project(), req, k.pkg(), k.versionRelease(),
                        k.source(), known, username, run.clock(), log);
            } catch (KrunpackException e) {
                write(plan, run.recordDir());
                List<String> done = plan.links().stream().filter(x -> x.id() != null)
                        .map(x -> x.pkg() + " #" + x.id()).toList();
                throw new KrunpackException(e.exitCode(), e.getMessage() + (done.isEmpty() ? ""
                        : "\nAlready submitted: " + String.join(", ", done) + " (recorded; 'krunpack copr watch'"
                        + " follows them and goes on with the chain from " + k.pkg() + ")"), e.problems(), e);
            }
            Link now = k.submitted(sub.id(), batch, sub.adopted());
            plan = plan.with(k, now);
            known.add(sub.id());
            write(plan, run.recordDir());
            tracker.say("copr: level " + (l + 1) + ": " + k.pkg() + ": build #" + sub.id()
                    + (batch == null ? "" : " (in the batch of #" + batch + ")"));
            if (batch == null) {
                batch = sub.id();
            }
        }
        return plan;
    }

    private static CoprHttp.Request request(Plan plan, Link k, ObjectNode json) {
        if (plan.method().equals("upload")) {
            return CoprClient.uploadRequest(json, Path.of(k.source()));
        }
        BuildSubmitter.scmFields(json, plan.scm(), k.source());
        return CoprClient.scmRequest(json);
    }

    private static String names(List<Link> level) {
        TreeSet<String> n = new TreeSet<>();
        level.forEach(k -> n.add(k.pkg()));
        return String.join(" and ", n);
    }

    /** For tests and messages: the link of a package. */
    static Optional<Link> link(Plan p, String pkg) {
        return p.links().stream().filter(k -> k.pkg().equals(pkg)).findFirst();
    }
}
