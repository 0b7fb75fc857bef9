package org.krunpack.copr;

import org.krunpack.project.CoprSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.core.StepResult;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code copr build}: submits the packages in chain order (libkrunfw → libkrun → crun), each with
 * {@code after_build_id} = the previous build's id, so COPR builds them one after another in one
 * project. Either uploads SRPMs ({@code build/create/upload}) or asks COPR to make the SRPM from
 * git with the make_srpm method ({@code build/create/scm}). A submission retried after a timeout
 * or 5xx first lists the project's builds and adopts one that the failed attempt created.
 */
public final class BuildSubmitter {
    /** Seconds of clock difference allowed between us and COPR when matching a retried submission. */
    static final long CLOCK_SKEW = 60;
    private static final Pattern SRPM = Pattern.compile("(.+)-([^-]+)-([^-]+)\\.src\\.rpm");

    private BuildSubmitter() {
    }

    /** An SRPM file with the name, version and release read from {@code N-V-R.src.rpm}. */
    public record Srpm(Path file, String name, String version, String release) {
        public static Optional<Srpm> parse(Path file) {
            Matcher m = SRPM.matcher(file.getFileName().toString());
            return m.matches() ? Optional.of(new Srpm(file, m.group(1), m.group(2), m.group(3))) : Optional.empty();
        }
    }

    /** One submitted build; {@code id} is 0 in a dry run. */
    public record Submitted(String packageName, String source, long id, Long afterBuildId, boolean adopted) {
    }

    /** The chain as submitted. */
    public record Result(String project, String method, List<Submitted> builds, boolean dryRun, Path record)
            implements StepResult {
        @Override
        public String step() {
            return "copr build";
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public List<Artifact> artifacts() {
            return record == null ? List.of() : List.of(new Artifact("copr-builds", record));
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            s.add(project + ": " + (dryRun ? "dry run, nothing sent; would submit " : "submitted ") + builds.size()
                    + " " + method + (builds.size() == 1 ? " build" : " builds"));
            for (Submitted b : builds) {
                s.add(b.packageName() + (dryRun ? "" : " #" + b.id()) + " from " + b.source()
                        + (b.afterBuildId() == null ? "" : " after #" + b.afterBuildId())
                        + (b.adopted() ? " (found after a retry: submitted once)" : ""));
            }
            if (!dryRun && !builds.isEmpty()) {
                s.add("follow them with: krunpack copr watch");
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("project", project);
            d.put("method", method);
            d.put("dryRun", dryRun);
            List<Map<String, Object>> bs = new ArrayList<>();
            for (Submitted b : builds) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("package", b.packageName());
                m.put("source", b.source());
                m.put("id", b.id());
                m.put("after_build_id", b.afterBuildId());
                m.put("adopted", b.adopted());
                bs.add(m);
            }
            d.put("builds", bs);
            return d;
        }
    }

    /**
     * Orders SRPMs by the chain ({@code copr.packages}); every file must be {@code N-V-R.src.rpm} of
     * a chain package, at most one per package (all problems at once, exit 2).
     */
    public static List<Srpm> order(List<Path> files, List<String> chain) {
        Problems problems = new Problems("copr build");
        Map<String, Srpm> byName = new LinkedHashMap<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                problems.add(f.toString(), "no such file");
                continue;
            }
            Optional<Srpm> s = Srpm.parse(f);
            if (s.isEmpty()) {
                problems.add(f.toString(), "not named NAME-VERSION-RELEASE.src.rpm");
            } else if (!chain.contains(s.get().name())) {
                problems.add(f.toString(), "package '" + s.get().name() + "' is not in the chain "
                        + chain + " (copr.packages)");
            } else if (byName.containsKey(s.get().name())) {
                problems.add(f.toString(), "a second SRPM of " + s.get().name() + " (also "
                        + byName.get(s.get().name()).file().getFileName() + "): pass one");
            } else {
                byName.put(s.get().name(), s.get());
            }
        }
        if (files.isEmpty()) {
            problems.add("SRPM", "none given or found: run 'krunpack srpm' first, or name the files");
        }
        problems.throwIfAny();
        List<Srpm> out = new ArrayList<>();
        for (String name : chain) {
            if (byName.containsKey(name)) {
                out.add(byName.get(name));
            }
        }
        return out;
    }

    /** The build options shared by both methods. */
    static ObjectNode options(CoprSettings s, Long after) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("ownername", s.owner());
        o.put("projectname", s.project());
        o.putArray("chroots").addAll(s.chroots().stream().map(JsonNodeFactory.instance::textNode).toList());
        if (s.timeout() != null) {
            o.put("timeout", s.timeout());
        }
        if (s.enableNet() != null) {
            o.put("enable_net", s.enableNet());
        }
        if (after != null) {
            o.put("after_build_id", after);
        }
        return o;
    }

    /**
     * Uploads SRPMs in chain order.
     *
     * @param after     the build the first one waits for (null: none)
     * @param username  the COPR user (from the config) to recognise our own builds; may be null
     * @param clock     seconds since 1970 (tests pass a fixed one)
     * @param recordDir where {@code builds.json} goes (for {@code copr watch} without ids); null: nowhere
     */
    public static Result upload(CoprClient client, CoprSettings s, List<Path> files, Long after, String username,
                                LongSupplier clock, Path recordDir, PrintWriter log) {
        List<Srpm> srpms = order(files, s.packages());
        List<Submitted> done = new ArrayList<>();
        Long prev = after;
        boolean dry = client.http().isDryRun();
        if (dry) {
            log.println("dry run: nothing is sent. krunpack would send:");
        }
        for (Srpm srpm : srpms) {
            ObjectNode json = options(s, prev);
            if (dry && !done.isEmpty()) {
                json.put("after_build_id", "<id COPR gives the " + done.get(done.size() - 1).packageName() + " build>");
            }
            CoprHttp.Request req = CoprClient.uploadRequest(json, srpm.file());
            if (dry) {
                log.print(client.http().describe(req));
                done.add(new Submitted(srpm.name(), srpm.file().getFileName().toString(), 0, prev, false));
                continue;
            }
            Submitted sub = submitOrExplain(client, s, req, srpm.name(), srpm.version() + "-" + srpm.release(),
                    srpm.file().getFileName().toString(), prev, username, clock, done, log, recordDir);
            done.add(sub);
            prev = sub.id();
        }
        return finish(s, "upload", done, dry, recordDir);
    }

    /**
     * Asks COPR to build each chain package from git with the make_srpm method
     * ({@code make -f .copr/Makefile srpm outdir=... spec=...} in its chroot).
     *
     * @param specDir the specs' directory inside the repository (relative to subdirectory), e.g. "rpm"
     */
    public static Result scm(CoprClient client, CoprSettings s, CoprSettings.Scm scm, String specDir, Long after,
                             String username, LongSupplier clock, Path recordDir, PrintWriter log) {
        List<Submitted> done = new ArrayList<>();
        Long prev = after;
        boolean dry = client.http().isDryRun();
        if (dry) {
            log.println("dry run: nothing is sent. krunpack would send:");
        }
        for (String pkg : s.packages()) {
            String spec = (specDir == null || specDir.isEmpty() ? "" : specDir + "/") + pkg + ".spec";
            ObjectNode json = options(s, prev);
            if (dry && !done.isEmpty()) {
                json.put("after_build_id", "<id COPR gives the " + done.get(done.size() - 1).packageName() + " build>");
            }
            json.put("clone_url", scm.cloneUrl());
            json.put("committish", scm.committish() == null ? "" : scm.committish());
            json.put("subdirectory", scm.subdirectory() == null ? "" : scm.subdirectory());
            json.put("spec", spec);
            json.put("scm_type", "git");
            json.put("source_build_method", "make_srpm");
            CoprHttp.Request req = CoprClient.scmRequest(json);
            if (dry) {
                log.print(client.http().describe(req));
                done.add(new Submitted(pkg, spec, 0, prev, false));
                continue;
            }
            Submitted sub = submitOrExplain(client, s, req, pkg, null, spec, prev, username, clock, done, log,
                    recordDir);
            done.add(sub);
            prev = sub.id();
        }
        return finish(s, "scm", done, dry, recordDir);
    }

    /** Submits one build; when that fails after others went through, says which ones and how to go on. */
    private static Submitted submitOrExplain(CoprClient client, CoprSettings s, CoprHttp.Request req, String name,
                                             String versionRelease, String source, Long prev, String username,
                                             LongSupplier clock, List<Submitted> done, PrintWriter log,
                                             Path recordDir) {
        try {
            return submit(client, s, req, name, versionRelease, source, prev, username, clock, done, log);
        } catch (KrunpackException e) {
            if (done.isEmpty()) {
                throw e;
            }
            finish(s, "partial", done, false, recordDir);
            StringBuilder ids = new StringBuilder();
            done.forEach(d -> ids.append(ids.length() == 0 ? "" : ", ").append(d.packageName()).append(" #")
                    .append(d.id()));
            long last = done.get(done.size() - 1).id();
            throw new KrunpackException(e.exitCode(), e.getMessage() + "\nAlready submitted: " + ids
                    + " (recorded for 'krunpack copr watch'). To go on from " + name + ": krunpack copr build --after "
                    + last + " with the remaining packages", e.problems(), e);
        }
    }

    private static Submitted submit(CoprClient client, CoprSettings s, CoprHttp.Request req, String name,
                                    String versionRelease, String source, Long prev, String username,
                                    LongSupplier clock, List<Submitted> done, PrintWriter log) {
        long t0 = clock.getAsLong();
        Set<Long> known = new HashSet<>();
        done.forEach(d -> known.add(d.id()));
        boolean[] adopted = {false};
        CoprHttp.RetryGuard guard = () -> {
            for (CoprClient.Build b : client.listBuilds(s.owner(), s.project(), 50)) {
                if (known.contains(b.id()) || (b.submittedOn() != null && b.submittedOn() < t0 - CLOCK_SKEW)) {
                    continue;
                }
                if (matches(b, name, versionRelease, source, username)) {
                    log.println("copr: build #" + b.id() + " of " + name + " was created by the attempt that failed:"
                            + " not submitting it again");
                    log.flush();
                    adopted[0] = true;
                    ObjectNode n = JsonNodeFactory.instance.objectNode();
                    n.put("id", b.id());
                    n.put("state", b.state());
                    return Optional.of(new CoprHttp.Response(200, n));
                }
            }
            return Optional.empty();
        };
        CoprHttp.Response r = client.http().send(req, guard);
        CoprClient.Build b = CoprClient.build(r.body(), req.method() + " " + req.path());
        log.println("copr: " + name + ": build #" + b.id() + (prev == null ? "" : " (after #" + prev + ")"));
        log.flush();
        return new Submitted(name, source, b.id(), prev, adopted[0]);
    }

    /** True when a listed build is this submission: same package and version, same file, or ours and unnamed yet. */
    static boolean matches(CoprClient.Build b, String name, String versionRelease, String source, String username) {
        if (b.packageName() != null) {
            if (!b.packageName().equals(name)) {
                return false;
            }
            if (versionRelease == null || b.packageVersion() == null) {
                return true;
            }
            String v = b.packageVersion().replaceFirst("^[0-9]+:", "");
            return v.equals(versionRelease) || v.startsWith(versionRelease) || versionRelease.startsWith(v);
        }
        if (b.srpmUrl() != null && source != null && b.srpmUrl().endsWith("/" + source)) {
            return true;
        }
        // not imported yet: only a fresh build of ours in an early state can be it
        boolean early = BuildState.parse(b.state()).map(st -> !st.finished()).orElse(false);
        return early && username != null && username.equals(b.submitter());
    }

    private static Result finish(CoprSettings s, String method, List<Submitted> done, boolean dry, Path recordDir) {
        Path record = null;
        if (!dry && recordDir != null && !done.isEmpty()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("project", s.fullName());
            List<Map<String, Object>> bs = new ArrayList<>();
            for (Submitted b : done) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("package", b.packageName());
                m.put("id", b.id());
                bs.add(m);
            }
            doc.put("builds", bs);
            try {
                record = AtomicFiles.writeString(recordDir.resolve("builds.json"),
                        CoprHttp.JSON.writeValueAsString(doc) + "\n");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Result(s.fullName(), method, List.copyOf(done), dry, record);
    }

    /** The build ids recorded by the last {@code copr build} in {@code recordDir/builds.json}. */
    public static List<Long> recorded(Path recordDir) {
        Path f = recordDir.resolve("builds.json");
        if (!Files.isRegularFile(f)) {
            throw KrunpackException.usage("no build ids given and " + f + " does not exist: pass BUILD_ID..., or run"
                    + " 'krunpack copr build' first (with the same --out)");
        }
        try {
            JsonNode doc = CoprHttp.JSON.readTree(f.toFile());
            List<Long> ids = new ArrayList<>();
            for (JsonNode b : doc.path("builds")) {
                ids.add(b.path("id").asLong());
            }
            if (ids.isEmpty()) {
                throw KrunpackException.usage(f + ": lists no builds; pass BUILD_ID...");
            }
            return ids;
        } catch (java.io.IOException e) {
            throw KrunpackException.usage(f + ": cannot read: " + e.getMessage() + "; pass BUILD_ID...");
        }
    }
}
