package org.krunpack.copr;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.krunpack.core.Problems;
import org.krunpack.project.CoprSettings;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submitting one build: the request (upload of an SRPM, or make_srpm from git), and a submission
 * that is never made twice: when an attempt times out or gets a 5xx, the project's recent builds
 * are listed before retrying and a build that the failed attempt created is adopted.
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

    /** A submitted build: its id, and whether it was found after a failed attempt rather than created. */
    record Submitted(long id, String state, boolean adopted) {
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
        for (String name : chain) {
            if (!files.isEmpty() && problems.isEmpty() && !byName.containsKey(name)) {
                problems.add(name, "no SRPM of this chain package: every link of the chain is needed"
                        + " (build it with 'krunpack srpm', or list only the packages you want in copr.packages)");
            }
        }
        problems.throwIfAny();
        List<Srpm> out = new ArrayList<>();
        for (String name : chain) {
            out.add(byName.get(name));
        }
        return out;
    }

    /** The build options every build of the project carries (COPR's names). */
    public static ObjectNode options(CoprSettings s) {
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
        return o;
    }

    /** The make_srpm fields of an SCM build of {@code spec} (a path relative to the subdirectory). */
    static void scmFields(ObjectNode json, CoprSettings.Scm scm, String spec) {
        json.put("clone_url", scm.cloneUrl());
        json.put("committish", scm.committish() == null ? "" : scm.committish());
        json.put("subdirectory", scm.subdirectory() == null ? "" : scm.subdirectory());
        json.put("spec", spec);
        json.put("scm_type", "git");
        json.put("source_build_method", "make_srpm");
    }

    /**
     * Sends one create request; when an attempt failed in a way that does not say whether COPR
     * created the build, adopts the build that attempt created instead of posting again.
     *
     * @param versionRelease the SRPM's VERSION-RELEASE (null for SCM builds)
     * @param source         the SRPM's file name or the spec's path (matched against listed builds)
     * @param known          ids of builds this run submitted already (never adopted again)
     * @param username       the COPR user (auth-check) to recognise our own fresh builds; may be null
     */
    static Submitted submit(CoprClient client, String owner, String project, CoprHttp.Request req, String name,
                            String versionRelease, String source, Set<Long> known, String username,
                            LongSupplier clock, PrintWriter log) {
        long t0 = clock.getAsLong();
        boolean[] adopted = {false};
        CoprHttp.RetryGuard guard = () -> {
            for (CoprClient.Build b : client.listBuilds(owner, project, 50)) {
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
        return new Submitted(b.id(), b.state(), adopted[0]);
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
        if (b.srpmUrl() != null && source != null && b.srpmUrl().endsWith("/" + Path.of(source).getFileName())) {
            return true;
        }
        // not imported yet: only a fresh build of ours in an early state can be it
        boolean early = BuildState.parse(b.state()).map(st -> !st.finished()).orElse(false);
        return early && username != null && username.equals(b.submitter());
    }
}
