package org.krunpack.copr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.krunpack.core.KrunpackException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * COPR API v3, the endpoints krunpack uses, over {@link CoprHttp}. Answers are checked field by
 * field: a missing or mistyped field is reported with the request and the field's name.
 */
public final class CoprClient {
    /** A build as {@code GET build/<id>} shows it. */
    public record Build(long id, String state, String packageName, String packageVersion, String srpmUrl,
                        List<String> chroots, Long submittedOn, String submitter, String repoUrl) {
    }

    /** One chroot of a build, from {@code GET build-chroot/list}. */
    public record BuildChroot(String name, String state, String resultUrl) {
        /** The builder log, once the chroot has a result directory. */
        public String logUrl() {
            if (resultUrl == null || resultUrl.isBlank()) {
                return null;
            }
            return (resultUrl.endsWith("/") ? resultUrl : resultUrl + "/") + "builder-live.log.gz";
        }
    }

    private final CoprHttp http;

    public CoprClient(CoprHttp http) {
        this.http = http;
    }

    public CoprHttp http() {
        return http;
    }

    // ---- requests (also used by --dry-run to describe them) ----

    public static CoprHttp.Request getProjectRequest(String owner, String project) {
        return CoprHttp.Request.get("project", CoprHttp.query("ownername", owner, "projectname", project));
    }

    /** Creates the project; with {@code exist_ok=True} COPR answers with the existing one instead of a 400. */
    public static CoprHttp.Request addProjectRequest(String owner, ObjectNode body) {
        return CoprHttp.Request.post("project/add/" + owner, CoprHttp.query("exist_ok", "True"), body);
    }

    /** PUT: COPR still accepts POST there, but marks it deprecated. */
    public static CoprHttp.Request editProjectRequest(String owner, String project, ObjectNode body) {
        return CoprHttp.Request.put("project/edit/" + owner + "/" + project, body);
    }

    /** Who the login is: {@code {"id": .., "name": ..}}, or a 401 for a bad token. */
    public static CoprHttp.Request authCheckRequest() {
        return CoprHttp.Request.authenticatedGet("auth-check");
    }

    /** The active chroots: {@code {name: comment}}. */
    public static CoprHttp.Request mockChrootsRequest() {
        return CoprHttp.Request.get("mock-chroots/list", CoprHttp.query());
    }

    /** What copr-cli asks before uploading: project, permission, chroots, batch options, timeout. */
    public static CoprHttp.Request checkBeforeBuildRequest(ObjectNode options) {
        return CoprHttp.Request.post("build/check-before-build", options);
    }

    public static CoprHttp.Request getBuildRequest(long id) {
        return CoprHttp.Request.get("build/" + id, CoprHttp.query());
    }

    public static CoprHttp.Request buildChrootsRequest(long id) {
        return CoprHttp.Request.get("build-chroot/list", CoprHttp.query("build_id", Long.toString(id)));
    }

    public static CoprHttp.Request sourceChrootRequest(long id) {
        return CoprHttp.Request.get("build/source-chroot/" + id, CoprHttp.query());
    }

    public static CoprHttp.Request uploadRequest(ObjectNode json, Path srpm) {
        return CoprHttp.Request.upload("build/create/upload", json, srpm);
    }

    public static CoprHttp.Request scmRequest(ObjectNode json) {
        return CoprHttp.Request.post("build/create/scm", json);
    }

    public static CoprHttp.Request cancelRequest(long id) {
        return CoprHttp.Request.put("build/cancel/" + id, null);
    }

    // ---- calls ----

    /** The project, or empty when COPR says 404. */
    public Optional<JsonNode> getProject(String owner, String project) {
        CoprHttp.Response r = http.send(getProjectRequest(owner, project));
        return r.notFound() ? Optional.empty() : Optional.of(object(r.body(), "GET project"));
    }

    /** The login's user name (auth-check); a bad token ends here with exit 2, before anything is sent. */
    public String authCheck() {
        JsonNode n = object(http.send(authCheckRequest()).body(), "GET auth-check");
        return requireText(n, "name", "GET auth-check");
    }

    /** The names of the chroots COPR can build in now (end-of-life ones are not listed). */
    public List<String> activeChroots() {
        JsonNode n = object(http.send(mockChrootsRequest()).body(), "GET mock-chroots/list");
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Asks COPR whether a build with these options would be accepted (exit 2 with COPR's reason if not). */
    public void checkBeforeBuild(ObjectNode options) {
        http.send(checkBeforeBuildRequest(options));
    }

    /** Creates the project, or returns it as it is when it exists already. */
    public JsonNode addProject(String owner, ObjectNode body, CoprHttp.RetryGuard guard) {
        return object(http.send(addProjectRequest(owner, body), guard).body(), "POST project/add/" + owner);
    }

    public JsonNode editProject(String owner, String project, ObjectNode body) {
        return object(http.send(editProjectRequest(owner, project, body)).body(),
                "PUT project/edit/" + owner + "/" + project);
    }

    /** The SRPM build of a build: its state and the URL of its result folder (logs), when it has one. */
    public BuildChroot sourceChroot(long id) {
        String what = "GET build/source-chroot/" + id;
        JsonNode n = object(http.send(sourceChrootRequest(id)).body(), what);
        return new BuildChroot("srpm-builds", requireText(n, "state", what), optText(n, "result_url"));
    }

    public Build getBuild(long id) {
        CoprHttp.Response r = http.send(getBuildRequest(id));
        if (r.notFound()) {
            throw KrunpackException.usage("COPR has no build " + id + " (GET build/" + id + " answered 404)");
        }
        return build(r.body(), "GET build/" + id);
    }

    public List<BuildChroot> buildChroots(long id) {
        String what = "GET build-chroot/list?build_id=" + id;
        // COPR answers 200 with no items for a build it does not know, and for one whose SRPM is not built yet
        CoprHttp.Response r = http.send(buildChrootsRequest(id));
        if (r.notFound()) {
            return List.of();
        }
        JsonNode items = object(r.body(), what).path("items");
        if (!items.isArray()) {
            throw malformed(what, "items", "a list", r.body());
        }
        List<BuildChroot> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode c = object(items.get(i), what + " items[" + i + "]");
            out.add(new BuildChroot(requireText(c, "name", what + " items[" + i + "]"),
                    requireText(c, "state", what + " items[" + i + "]"), optText(c, "result_url")));
        }
        return out;
    }

    /** The project's most recent builds (newest first, at most {@code limit}). */
    public List<Build> listBuilds(String owner, String project, int limit) {
        String what = "GET build/list";
        CoprHttp.Response r = http.send(CoprHttp.Request.get("build/list", CoprHttp.query("ownername", owner,
                "projectname", project, "limit", Integer.toString(limit), "order", "id", "order_type", "DESC")));
        if (r.notFound()) {
            return List.of();
        }
        JsonNode items = object(r.body(), what).path("items");
        if (!items.isArray()) {
            throw malformed(what, "items", "a list", r.body());
        }
        List<Build> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(build(items.get(i), what + " items[" + i + "]"));
        }
        return out;
    }

    public Build cancel(long id) {
        return build(http.send(cancelRequest(id)).body(), "PUT build/cancel/" + id);
    }

    /** Parses a build object as COPR's API v3 returns it. */
    static Build build(JsonNode n, String what) {
        JsonNode b = object(n, what);
        JsonNode id = b.path("id");
        if (!id.canConvertToLong() || !id.isIntegralNumber()) {
            throw malformed(what, "id", "a whole number", b);
        }
        String state = requireText(b, "state", what);
        JsonNode src = b.path("source_package");
        List<String> chroots = new ArrayList<>();
        JsonNode ch = b.path("chroots");
        if (ch.isArray()) {
            ch.forEach(c -> chroots.add(c.asText()));
        }
        Long submitted = b.path("submitted_on").canConvertToLong() && b.path("submitted_on").isNumber()
                ? b.path("submitted_on").asLong() : null;
        return new Build(id.asLong(), state, optText(src, "name"), optText(src, "version"), optText(src, "url"),
                List.copyOf(chroots), submitted, optText(b, "submitter"), optText(b, "repo_url"));
    }

    static JsonNode object(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw KrunpackException.external("COPR's answer to " + what + " is not a JSON object: "
                    + abbreviate(n));
        }
        return n;
    }

    private static String requireText(JsonNode n, String field, String what) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            throw malformed(what, field, "a string", n);
        }
        return v.asText();
    }

    private static String optText(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static KrunpackException malformed(String what, String field, String expected, JsonNode got) {
        return KrunpackException.external("COPR's answer to " + what + " has no usable '" + field + "' (expected "
                + expected + "; the answer was " + abbreviate(got) + ")");
    }

    private static String abbreviate(JsonNode n) {
        String s = n == null ? "nothing" : n.toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
