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

    public static CoprHttp.Request addProjectRequest(String owner, ObjectNode body) {
        return CoprHttp.Request.post("project/add/" + owner, body);
    }

    public static CoprHttp.Request editProjectRequest(String owner, String project, ObjectNode body) {
        return CoprHttp.Request.post("project/edit/" + owner + "/" + project, body);
    }

    public static CoprHttp.Request uploadRequest(ObjectNode json, Path srpm) {
        return CoprHttp.Request.upload("build/create/upload", json, srpm);
    }

    public static CoprHttp.Request scmRequest(ObjectNode json) {
        return CoprHttp.Request.post("build/create/scm", json);
    }

    public static CoprHttp.Request cancelRequest(long id) {
        return CoprHttp.Request.put("build/cancel/" + id);
    }

    // ---- calls ----

    /** The project, or empty when COPR says 404. */
    public Optional<JsonNode> getProject(String owner, String project) {
        CoprHttp.Response r = http.send(getProjectRequest(owner, project));
        return r.notFound() ? Optional.empty() : Optional.of(object(r.body(), "GET project"));
    }

    public Build getBuild(long id) {
        CoprHttp.Response r = http.send(CoprHttp.Request.get("build/" + id, CoprHttp.query()));
        if (r.notFound()) {
            throw KrunpackException.usage("COPR has no build " + id + " (GET build/" + id + " answered 404)");
        }
        return build(r.body(), "GET build/" + id);
    }

    public List<BuildChroot> buildChroots(long id) {
        String what = "GET build-chroot/list?build_id=" + id;
        CoprHttp.Response r = http.send(CoprHttp.Request.get("build-chroot/list",
                CoprHttp.query("build_id", Long.toString(id))));
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
