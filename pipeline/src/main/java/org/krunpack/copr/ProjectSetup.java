package org.krunpack.copr;

import org.krunpack.project.CoprSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code copr setup}: makes the COPR project match the {@code copr:} section, idempotently. It
 * reads the project, computes {@code field: old -> new} for each field the section sets, and
 * sends nothing when nothing differs. Fields the section does not set are left as they are.
 */
public final class ProjectSetup {
    private ProjectSetup() {
    }

    /** The old value in a dry run, where the project is not read. */
    public enum NotRead {
        NOT_READ;

        @Override
        public String toString() {
            return "(not read: dry run)";
        }
    }

    /** One difference between the service and the project file. */
    public record Change(String field, Object oldValue, Object newValue) {
        @Override
        public String toString() {
            return field + ": " + show(oldValue) + " -> " + show(newValue);
        }
    }

    /** What setup did: "created", "updated", "unchanged", or "dry-run". */
    public record Result(String project, String action, List<Change> changes) implements StepResult {
        @Override
        public String step() {
            return "copr setup";
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public List<Artifact> artifacts() {
            return List.of();
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            switch (action) {
                case "unchanged" -> s.add(project + ": nothing to change, the project already matches krunpack.yaml");
                case "created" -> s.add(project + ": created");
                case "updated" -> s.add(project + ": updated " + changes.size()
                        + (changes.size() == 1 ? " field" : " fields"));
                default -> s.add(project + ": dry run, nothing sent");
            }
            changes.forEach(c -> s.add(c.toString()));
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("project", project);
            d.put("action", action);
            List<Map<String, Object>> cs = new ArrayList<>();
            for (Change c : changes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("field", c.field());
                m.put("old", c.oldValue());
                m.put("new", c.newValue());
                cs.add(m);
            }
            d.put("changes", cs);
            return d;
        }
    }

    /** The fields the section sets, in COPR's names and types. */
    static Map<String, Object> desired(CoprSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chroots", new ArrayList<>(new TreeSet<>(s.chroots())));
        if (s.enableNet() != null) {
            m.put("enable_net", s.enableNet());
        }
        if (s.description() != null) {
            m.put("description", s.description());
        }
        if (s.instructions() != null) {
            m.put("instructions", s.instructions());
        }
        return m;
    }

    /** The same fields as the service reports them (chroots are the keys of {@code chroot_repos}). */
    static Map<String, Object> current(JsonNode project) {
        Map<String, Object> m = new LinkedHashMap<>();
        TreeSet<String> chroots = new TreeSet<>();
        JsonNode repos = project.path("chroot_repos");
        if (repos.isObject()) {
            for (Iterator<String> it = repos.fieldNames(); it.hasNext(); ) {
                chroots.add(it.next());
            }
        } else if (project.path("chroots").isArray()) {
            project.path("chroots").forEach(c -> chroots.add(c.asText()));
        }
        m.put("chroots", new ArrayList<>(chroots));
        m.put("enable_net", project.path("enable_net").isBoolean() ? project.get("enable_net").asBoolean() : null);
        m.put("description", text(project, "description"));
        m.put("instructions", text(project, "instructions"));
        return m;
    }

    /** The differences, field by field, in the order of {@link #desired}. */
    public static List<Change> diff(Map<String, Object> current, Map<String, Object> desired) {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Object> e : desired.entrySet()) {
            Object old = current.get(e.getKey());
            if (!same(old, e.getValue())) {
                changes.add(new Change(e.getKey(), old, e.getValue()));
            }
        }
        return changes;
    }

    /**
     * Reads the project and creates or edits it. In dry-run mode prints the requests instead
     * (the read too: nothing at all is sent, so every field the section sets is shown).
     */
    public static Result run(CoprClient client, CoprSettings s, PrintWriter log) {
        Map<String, Object> want = desired(s);
        CoprHttp http = client.http();
        if (http.isDryRun()) {
            log.println("dry run: nothing is sent. krunpack would send:");
            log.print(http.describe(CoprClient.getProjectRequest(s.owner(), s.project())));
            log.println("then, if COPR answers 404 (no such project):");
            log.print(http.describe(CoprClient.addProjectRequest(s.owner(), addBody(s.project(), want))));
            log.println("otherwise, with only the fields that differ from COPR's answer:");
            log.print(http.describe(CoprClient.editProjectRequest(s.owner(), s.project(), body(want))));
            log.flush();
            List<Change> all = new ArrayList<>();
            want.forEach((k, v) -> all.add(new Change(k, NotRead.NOT_READ, v)));
            return new Result(s.fullName(), "dry-run", all);
        }
        Optional<JsonNode> existing = client.getProject(s.owner(), s.project());
        if (existing.isEmpty()) {
            List<Change> changes = diff(Map.of(), want);
            changes.forEach(c -> log.println(c.toString()));
            log.flush();
            ObjectNode add = addBody(s.project(), want);
            client.http().send(CoprClient.addProjectRequest(s.owner(), add), () -> client.getProject(s.owner(),
                    s.project()).map(p -> new CoprHttp.Response(200, p)));
            return new Result(s.fullName(), "created", changes);
        }
        List<Change> changes = diff(current(existing.get()), want);
        if (changes.isEmpty()) {
            return new Result(s.fullName(), "unchanged", List.of());
        }
        changes.forEach(c -> log.println(c.toString()));
        log.flush();
        Map<String, Object> edit = new LinkedHashMap<>();
        changes.forEach(c -> edit.put(c.field(), c.newValue()));
        client.http().send(CoprClient.editProjectRequest(s.owner(), s.project(), body(edit)));
        return new Result(s.fullName(), "updated", changes);
    }

    private static ObjectNode addBody(String name, Map<String, Object> want) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("name", name);
        b.setAll(body(want));
        return b;
    }

    private static ObjectNode body(Map<String, Object> fields) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            if (v instanceof List<?> l) {
                ArrayNode a = b.putArray(e.getKey());
                l.forEach(x -> a.add(String.valueOf(x)));
            } else if (v instanceof Boolean bool) {
                b.put(e.getKey(), bool);
            } else {
                b.put(e.getKey(), v == null ? null : v.toString());
            }
        }
        return b;
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof String || b instanceof String || a == null || b == null) {
            // COPR reports an unset text as null or ""
            if ((a == null || "".equals(a)) && (b == null || "".equals(b))) {
                return true;
            }
        }
        return Objects.equals(a, b);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String show(Object v) {
        if (v == null) {
            return "(unset)";
        }
        if (v instanceof String s) {
            String one = s.replace("\n", "\\n");
            return "\"" + (one.length() > 60 ? one.substring(0, 57) + "..." : one) + "\"";
        }
        return String.valueOf(v);
    }
}
