package org.krunpack.copr;

import org.krunpack.project.CoprSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.krunpack.core.Artifact;
import org.krunpack.core.Problems;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code copr setup}: makes the COPR project match the {@code copr:} section, idempotently. It
 * checks the login ({@code auth-check}) and that every chroot is one COPR offers now, reads the
 * project, computes {@code field: old -> new} for each field the section sets, and sends nothing
 * when nothing differs. Fields the section does not set are left as they are; chroots COPR added
 * when Fedora branched stay while the project follows Fedora branching.
 */
public final class ProjectSetup {
    private static final Pattern FEDORA = Pattern.compile("fedora-(rawhide|[0-9]+)-([a-z0-9_]+)");

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

    /** What setup did: "created", "updated", "unchanged", or "dry-run"; notes say what was left alone and why. */
    public record Result(String project, String action, List<Change> changes, List<String> notes)
            implements StepResult {
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
            s.addAll(notes);
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
            d.put("notes", notes);
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
        if (s.followFedoraBranching() != null) {
            m.put("follow_fedora_branching", s.followFedoraBranching());
        }
        if (s.packitForgeProjects() != null) {
            m.put("packit_forge_projects_allowed", new ArrayList<>(new TreeSet<>(s.packitForgeProjects())));
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
        m.put("enable_net", bool(project, "enable_net"));
        m.put("description", text(project, "description"));
        m.put("instructions", text(project, "instructions"));
        m.put("follow_fedora_branching", bool(project, "follow_fedora_branching"));
        TreeSet<String> forge = new TreeSet<>();
        project.path("packit_forge_projects_allowed").forEach(f -> forge.add(f.asText()));
        m.put("packit_forge_projects_allowed", new ArrayList<>(forge));
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
     * The chroots COPR added when Fedora branched, which setup keeps while the project follows
     * Fedora branching: {@code fedora-N-ARCH} not in the file, where the file lists
     * {@code fedora-rawhide-ARCH} and N is newer than every Fedora release the file names.
     */
    static List<String> branched(List<String> current, List<String> wanted) {
        int newest = -1;
        for (String c : wanted) {
            Matcher m = FEDORA.matcher(c);
            if (m.matches() && !m.group(1).equals("rawhide")) {
                newest = Math.max(newest, Integer.parseInt(m.group(1)));
            }
        }
        List<String> out = new ArrayList<>();
        for (String c : current) {
            Matcher m = FEDORA.matcher(c);
            if (!wanted.contains(c) && m.matches() && !m.group(1).equals("rawhide")
                    && Integer.parseInt(m.group(1)) > newest && wanted.contains("fedora-rawhide-" + m.group(2))) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every chroot of the section that COPR does not offer now (unknown or end of life), all at once (exit 2). */
    static void checkChroots(CoprSettings s, List<String> active) {
        Problems problems = new Problems("copr.chroots");
        for (int i = 0; i < s.chroots().size(); i++) {
            String c = s.chroots().get(i);
            if (!active.contains(c)) {
                String arch = c.substring(c.lastIndexOf('-') + 1);
                String os = c.substring(0, c.indexOf('-'));
                List<String> like = active.stream().filter(a -> a.startsWith(os + "-") && a.endsWith("-" + arch))
                        .sorted().toList();
                problems.add("copr.chroots[" + i + "]", "'" + c + "' is not a chroot COPR builds in now (unknown,"
                        + " or its release reached end of life)" + (like.isEmpty() ? "" : "; active ones like it: "
                        + String.join(", ", like)));
            }
        }
        problems.throwIfAny();
    }

    /**
     * Checks the login and the chroots, reads the project, and creates or edits it. In dry-run mode
     * prints the requests instead (the reads too: nothing at all is sent, so every field the section
     * sets is shown).
     */
    public static Result run(CoprClient client, CoprSettings s, PrintWriter log) {
        Map<String, Object> want = desired(s);
        CoprHttp http = client.http();
        if (http.isDryRun()) {
            log.println("dry run: nothing is sent. krunpack would send:");
            log.print(http.describe(CoprClient.authCheckRequest()));
            log.print(http.describe(CoprClient.mockChrootsRequest()));
            log.print(http.describe(CoprClient.getProjectRequest(s.owner(), s.project())));
            log.println("then, if COPR answers 404 (no such project):");
            log.print(http.describe(CoprClient.addProjectRequest(s.owner(), addBody(s.project(), want))));
            log.println("otherwise, with only the fields that differ from COPR's answer:");
            log.print(http.describe(CoprClient.editProjectRequest(s.owner(), s.project(), body(want))));
            log.flush();
            List<Change> all = new ArrayList<>();
            want.forEach((k, v) -> all.add(new Change(k, NotRead.NOT_READ, v)));
            return new Result(s.fullName(), "dry-run", all, List.of());
        }
        client.authCheck();
        checkChroots(s, client.activeChroots());
        Optional<JsonNode> existing = client.getProject(s.owner(), s.project());
        String action = "updated";
        List<Change> changes = new ArrayList<>();
        JsonNode project;
        if (existing.isEmpty()) {
            diff(Map.of(), want).forEach(c -> log.println(c.toString()));
            log.flush();
            project = client.addProject(s.owner(), addBody(s.project(), want), () -> client.getProject(s.owner(),
                    s.project()).map(p -> new CoprHttp.Response(200, p)));
            changes.addAll(diff(Map.of(), want));
            action = "created";
        } else {
            project = existing.get();
        }
        // a project that existed (or was created meanwhile by someone else) is brought in line
        Map<String, Object> now = current(project);
        boolean follows = s.followFedoraBranching() != null ? s.followFedoraBranching()
                : !Boolean.FALSE.equals(now.get("follow_fedora_branching"));
        List<String> notes = new ArrayList<>();
        Map<String, Object> target = new LinkedHashMap<>(want);
        if (follows) {
            @SuppressWarnings("unchecked")
            List<String> nowChroots = (List<String>) now.get("chroots");
            List<String> kept = branched(nowChroots, s.chroots());
            if (!kept.isEmpty()) {
                TreeSet<String> with = new TreeSet<>(s.chroots());
                with.addAll(kept);
                target.put("chroots", new ArrayList<>(with));
                notes.add("kept " + String.join(", ", kept) + ": added by COPR when Fedora branched"
                        + " (follow_fedora_branching); list them in copr.chroots, or set"
                        + " copr.follow_fedora_branching: false to drop them");
            }
        }
        List<Change> edits = diff(now, target);
        if (edits.isEmpty()) {
            return new Result(s.fullName(), action.equals("created") ? action : "unchanged", changes, notes);
        }
        if (action.equals("created")) {
            log.println(s.fullName() + " existed already (created meanwhile): bringing it in line");
            changes.clear();
        }
        edits.forEach(c -> log.println(c.toString()));
        log.flush();
        Map<String, Object> edit = new LinkedHashMap<>();
        edits.forEach(c -> edit.put(c.field(), c.newValue()));
        client.editProject(s.owner(), s.project(), body(edit));
        changes.addAll(edits);
        return new Result(s.fullName(), action, changes, notes);
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

    private static Boolean bool(JsonNode n, String field) {
        return n.path(field).isBoolean() ? n.get(field).asBoolean() : null;
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
