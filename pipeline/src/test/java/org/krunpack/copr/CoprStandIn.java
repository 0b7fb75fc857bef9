package org.krunpack.copr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the COPR frontend's API v3 on loopback, for tests only, modelled on the
 * behaviour of fedora-copr/copr's frontend (apiv3 views, forms, models) as read from its source.
 * docs/copr.md lists what it models and what it does not. In short:
 * <ul>
 * <li>login: every changing request and {@code auth-check} need HTTP Basic {@code login:token};
 *     a bad or missing one gets 401 {@code {"output": "notok", "error": "Login invalid/expired..."}};
 *     a valid login acting on another user's project gets 403;</li>
 * <li>chroots: only active mock chroots are accepted (400 for an unknown or end-of-life one, in
 *     project add/edit and in builds); dropping a chroot that has unfinished builds is 409;
 *     end-of-life chroots are not listed in a project's {@code chroot_repos}; a project that follows
 *     Fedora branching gets the new release's chroots ({@link #branchFedora});</li>
 * <li>projects: {@code project/add?exist_ok=True} returns an existing project, without it 400;
 *     edit by PUT (POST still accepted) changes only the fields sent; defaults as COPR's forms
 *     ({@code enable_net} false, {@code follow_fedora_branching} true);</li>
 * <li>builds: form validation (timeout 0..108000, chroots of the project, SCM clone_url a URL,
 *     spec ending in .spec, source_build_method one of COPR's), batches ({@code after_build_id}
 *     and {@code with_build_id}, with COPR's refusals: a finished build without a batch cannot
 *     start one, a finished batch takes no more builds, not both options); a build in a blocked
 *     batch does not move; {@code build/check-before-build};</li>
 * <li>states: pending → starting → running (the SRPM build) → importing (chroots waiting) →
 *     chroots pending → starting → running → their final state; an SRPM build that fails fails
 *     every chroot without a result folder and has a log in {@code build/source-chroot}; the
 *     build's state is derived from its chroots as COPR derives it ({@code unknown} when no
 *     chroot is in a ranked state); a build moves one step each time {@code GET build/<id>} asks
 *     for it (time passes when someone looks);</li>
 * <li>{@code build-chroot/list} answers 200 with no items for a build it does not know;
 *     {@code build/source-chroot} answers 500 before the SRPM build has a result folder (COPR
 *     fails there the same way); {@code build/cancel} of a finished build is 409.</li>
 * </ul>
 * It counts every request and can be told to fail the next request to an endpoint (status,
 * malformed body, a delay past the client's timeout, optionally after doing the work).
 */
final class CoprStandIn implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_TIMEOUT = 108000;
    static final int DEFAULT_TIMEOUT = 5 * 3600;
    private static final Pattern SRPM = Pattern.compile("(.+)-([^-]+-[^-]+)\\.src\\.rpm");
    private static final List<String> RANKED = List.of("running", "starting", "pending", "failed", "succeeded",
            "skipped", "forked");
    private static final Set<String> FINISHED = Set.of("succeeded", "failed", "canceled", "skipped", "forked");

    /** One recorded request. */
    record Seen(String method, String path, String query, JsonNode json, String fileName, int fileBytes,
                boolean authorized) {
        String key() {
            return method + " " + path;
        }
    }

    /**
     * A scripted fault for the next request to an endpoint key ("POST /api_3/build/create/upload");
     * status 0 lets that request through (to fault a later one).
     */
    record Fault(int status, String body, long delayMillis, boolean thenProcess) {
    }

    /** A batch: builds that finish together; a blocked batch's builds wait for {@code blockedBy}. */
    static final class Batch {
        final long id;
        final Batch blockedBy;
        final List<Build> builds = new ArrayList<>();

        Batch(long id, Batch blockedBy) {
            this.id = id;
            this.blockedBy = blockedBy;
        }

        boolean finished() {
            return !builds.isEmpty() && builds.stream().allMatch(Build::finished);
        }

        boolean blocked() {
            return blockedBy != null && (blockedBy.blocked() || !blockedBy.finished());
        }
    }

    /** A build as the frontend's database holds it. */
    static final class Build {
        final long id;
        final String owner;
        final String project;
        final String user;
        final long submittedOn = System.currentTimeMillis() / 1000;
        final JsonNode request;
        final String uploadedName;
        final String srpmUrl;
        final String specName;
        final boolean enableNet;
        final int timeout;
        Batch batch;
        String sourceState = "pending";
        String packageName;
        String packageVersion;
        boolean canceled;
        boolean sourceResultDir;
        final Map<String, String> chroots = new TreeMap<>();
        final Set<String> chrootResultDirs = new HashSet<>();
        /** For tests: the state of every other build of the project when this one was created. */
        final Map<Long, String> othersAtCreation = new TreeMap<>();

        Build(long id, String owner, String project, String user, JsonNode request, String uploadedName,
              String srpmUrl, String specName, boolean enableNet, int timeout) {
            this.id = id;
            this.owner = owner;
            this.project = project;
            this.user = user;
            this.request = request;
            this.uploadedName = uploadedName;
            this.srpmUrl = srpmUrl;
            this.specName = specName;
            this.enableNet = enableNet;
            this.timeout = timeout;
        }

        boolean finished() {
            if (canceled || "failed".equals(sourceState)) {
                return true;
            }
            return "succeeded".equals(sourceState) && !chroots.isEmpty()
                    && chroots.values().stream().allMatch(FINISHED::contains);
        }

        boolean blocked() {
            return batch != null && batch.blocked();
        }

        /** COPR's Build.state: canceled, the source state while the SRPM is being made, else the chroots' ranking. */
        String state() {
            if (canceled) {
                return "canceled";
            }
            if (List.of("starting", "pending", "running", "importing", "failed").contains(sourceState)) {
                return sourceState;
            }
            if (chroots.isEmpty()) {
                return "waiting";
            }
            for (String s : RANKED) {
                if (chroots.containsValue(s)) {
                    return s;
                }
            }
            if (chroots.containsValue("waiting")) {
                return "pending";
            }
            return "unknown";
        }
    }

    /** A project with its settings; {@code chroots} are its active chroots. */
    static final class Project {
        final long id;
        final String owner;
        final String name;
        final Set<String> chroots = new TreeSet<>();
        String description;
        String instructions;
        boolean enableNet;
        boolean followFedoraBranching = true;
        final List<String> packitForgeProjects = new ArrayList<>();

        Project(long id, String owner, String name) {
            this.id = id;
            this.owner = owner;
            this.name = name;
        }
    }

    private final HttpServer server;
    private final Map<String, String[]> logins = new HashMap<>();
    final List<Seen> requests = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Project> projects = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<Long, Build> builds = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Mock chroots COPR builds in now. */
    final Set<String> activeChroots = Collections.synchronizedSet(new TreeSet<>(List.of(
            "fedora-rawhide-x86_64", "fedora-rawhide-aarch64", "fedora-44-x86_64", "fedora-44-aarch64",
            "fedora-43-x86_64", "fedora-43-aarch64", "epel-10-x86_64", "epel-10-aarch64")));
    /** Mock chroots that reached end of life (known to COPR, not accepted any more). */
    final Set<String> eolChroots = Collections.synchronizedSet(new TreeSet<>(List.of(
            "fedora-41-x86_64", "fedora-41-aarch64")));
    /** "package/chroot" → the state that chroot ends in (default succeeded); "package/*" for every chroot. */
    final Map<String, String> finalStates = Collections.synchronizedMap(new HashMap<>());
    /** Packages whose SRPM build fails. */
    final Set<String> srpmFails = Collections.synchronizedSet(new HashSet<>());
    /** Steps a chroot stays running before its final state. */
    volatile int runningSteps = 1;
    private final Map<String, Deque<Fault>> faults = Collections.synchronizedMap(new HashMap<>());
    private final AtomicLong nextId = new AtomicLong(1001);
    private final AtomicLong nextBatch = new AtomicLong(1);
    private final AtomicLong nextProject = new AtomicLong(77);
    private final Map<String, Integer> running = Collections.synchronizedMap(new HashMap<>());

    static {
        // answer at once (no Nagle delay on small responses)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    CoprStandIn(String login, String token, String user) throws IOException {
        logins.put(login, new String[] {token, user});
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Another account (to act on someone else's project). */
    void addLogin(String login, String token, String user) {
        logins.put(login, new String[] {token, user});
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int count() {
        return requests.size();
    }

    long count(String key) {
        return requests.stream().filter(r -> r.key().equals(key)).count();
    }

    List<Seen> seen(String key) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.key().equals(key)).toList();
        }
    }

    /** The request keys in the order they came. */
    List<String> keys() {
        synchronized (requests) {
            return requests.stream().map(Seen::key).toList();
        }
    }

    void fault(String key, Fault f) {
        faults.computeIfAbsent(key, k -> new ArrayDeque<>()).add(f);
    }

    /** An existing project (as if made on the web page). */
    Project project(String owner, String name, List<String> chroots, boolean enableNet, String description,
                    String instructions) {
        Project p = new Project(nextProject.getAndIncrement(), owner, name);
        p.chroots.addAll(chroots);
        p.enableNet = enableNet;
        p.description = description;
        p.instructions = instructions;
        projects.put(owner + "/" + name, p);
        return p;
    }

    /** Fedora branches release {@code n} from rawhide: projects that follow branching get its chroots. */
    void branchFedora(int n) {
        List<String> rawhide = activeChroots.stream().filter(c -> c.startsWith("fedora-rawhide-")).toList();
        for (String r : rawhide) {
            activeChroots.add("fedora-" + n + "-" + r.substring("fedora-rawhide-".length()));
        }
        for (Project p : projects.values()) {
            if (!p.followFedoraBranching) {
                continue;
            }
            for (String c : new ArrayList<>(p.chroots)) {
                if (c.startsWith("fedora-rawhide-")) {
                    p.chroots.add("fedora-" + n + "-" + c.substring("fedora-rawhide-".length()));
                }
            }
        }
    }

    /** A chroot reaches end of life: no longer active, gone from projects, its unfinished builds canceled. */
    void endOfLife(String chroot) {
        activeChroots.remove(chroot);
        eolChroots.add(chroot);
        projects.values().forEach(p -> p.chroots.remove(chroot));
        for (Build b : builds.values()) {
            if (b.chroots.containsKey(chroot) && !FINISHED.contains(b.chroots.get(chroot))) {
                b.chroots.put(chroot, "canceled");
            }
        }
    }

    /** Lets the backend work {@code steps} steps on a build (as that many polls would). */
    void advance(long id, int steps) {
        for (int i = 0; i < steps; i++) {
            step(builds.get(id));
        }
    }

    /** The build's state as COPR reports it (no step taken). */
    String stateOf(long id) {
        return builds.get(id).state();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- request handling ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getRawQuery();
            byte[] body = ex.getRequestBody().readAllBytes();
            String user = user(ex.getRequestHeaders().getFirst("Authorization"));
            JsonNode json = null;
            String fileName = null;
            int fileBytes = -1;
            String ctype = ex.getRequestHeaders().getFirst("Content-Type");
            if (ctype != null && ctype.startsWith("multipart/form-data")) {
                Map<String, Part> parts = multipart(body, ctype);
                Part j = parts.get("json");
                json = j == null ? null : JSON.readTree(j.data);
                Part f = parts.get("pkgs");
                if (f != null) {
                    fileName = f.fileName;
                    fileBytes = f.data.length;
                }
            } else if (body.length > 0) {
                json = JSON.readTree(body);
            }
            Seen seen = new Seen(method, path, query, json, fileName, fileBytes, user != null);
            requests.add(seen);
            Deque<Fault> fs = faults.get(seen.key());
            Fault fault = fs == null ? null : fs.poll();
            if (fault != null && fault.status() != 0) {
                if (fault.thenProcess()) {
                    route(seen, params(query), user);   // the service does the work...
                }
                if (fault.delayMillis() > 0) {
                    sleep(fault.delayMillis());           // ...but the answer comes too late
                }
                send(ex, fault.status(), fault.body());
                return;
            }
            Reply r = route(seen, params(query), user);
            send(ex, r.status, r.body);
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\": \"Request wasn't successful, there is probably a bug in the Copr code.\"}");
        }
    }

    /** The user of a valid {@code Authorization: Basic login:token}, else null. */
    private String user(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String[] lt = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8)
                .split(":", 2);
        String[] known = lt.length == 2 ? logins.get(lt[0]) : null;
        return known != null && known[0].equals(lt[1]) ? known[1] : null;
    }

    private record Reply(int status, String body) {
    }

    private static Reply ok(JsonNode n) {
        return new Reply(200, n.toString());
    }

    private static Reply error(int status, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("error", message);
        return new Reply(status, e.toString());
    }

    private Reply notLoggedIn() {
        ObjectNode e = JSON.createObjectNode();
        e.put("output", "notok");
        e.put("error", "Login invalid/expired. Please visit " + url() + "/api to get or renew your API token.");
        return new Reply(401, e.toString());
    }

    private Reply route(Seen s, Map<String, String> q, String user) {
        String p = s.path();
        String m = s.method();
        Matcher x;
        if (m.equals("GET") && p.equals("/api_3/auth-check")) {
            if (user == null) {
                return notLoggedIn();
            }
            ObjectNode u = JSON.createObjectNode();
            u.put("id", 3);
            u.put("name", user);
            return ok(u);
        }
        if (m.equals("GET") && p.equals("/api_3/mock-chroots/list")) {
            ObjectNode r = JSON.createObjectNode();
            synchronized (activeChroots) {
                activeChroots.forEach(c -> r.put(c, ""));
            }
            return ok(r);
        }
        if (m.equals("GET") && p.equals("/api_3/project")) {
            Project proj = projects.get(q.get("ownername") + "/" + q.get("projectname"));
            return proj == null ? error(404, "Project " + q.get("ownername") + "/" + q.get("projectname")
                    + " does not exist.") : ok(projectJson(proj));
        }
        if (m.equals("POST") && (x = Pattern.compile("/api_3/project/add/([^/]+)").matcher(p)).matches()) {
            return user == null ? notLoggedIn() : addProject(x.group(1), s.json(), "True".equals(q.get("exist_ok")),
                    user);
        }
        if ((m.equals("PUT") || m.equals("POST"))
                && (x = Pattern.compile("/api_3/project/edit/([^/]+)/([^/]+)").matcher(p)).matches()) {
            return user == null ? notLoggedIn() : editProject(x.group(1), x.group(2), s.json(), user);
        }
        if (m.equals("POST") && p.equals("/api_3/build/check-before-build")) {
            if (user == null) {
                return notLoggedIn();
            }
            Reply bad = checkBuild(s.json(), user);
            if (bad != null) {
                return bad;
            }
            ObjectNode r = JSON.createObjectNode();
            r.put("message", "It should be safe to submit a build like this");
            return ok(r);
        }
        if (m.equals("POST") && p.equals("/api_3/build/create/upload")) {
            if (user == null) {
                return notLoggedIn();
            }
            if (s.fileName() == null) {
                return error(400, "Bad request parameters: {'pkgs': ['This field is required.']}");
            }
            return create(s.json(), user, s.fileName(), null);
        }
        if (m.equals("POST") && p.equals("/api_3/build/create/scm")) {
            if (user == null) {
                return notLoggedIn();
            }
            Map<String, String> errors = new TreeMap<>();
            JsonNode j = s.json();
            if (!isUrl(j.path("clone_url").asText(""))) {
                errors.put("clone_url", j.path("clone_url").asText("").isEmpty() ? "This field is required."
                        : "Invalid URL.");
            }
            String spec = j.path("spec").asText("");
            if (!spec.isEmpty() && !spec.matches("^.+\\.spec$")) {
                errors.put("spec", "RPM spec file must end with .spec");
            }
            String method = j.path("source_build_method").asText("rpkg");
            if (!List.of("rpkg", "tito", "tito_test", "make_srpm").contains(method)) {
                errors.put("srpm_build_method", "Not a valid choice.");
            }
            if (!List.of("git", "svn").contains(j.path("scm_type").asText("git"))) {
                errors.put("scm_type", "Not a valid choice.");
            }
            if (!errors.isEmpty()) {
                return formError(errors);
            }
            return create(j, user, null, spec.replaceAll(".*/", "").replaceAll("\\.spec$", ""));
        }
        if (m.equals("GET") && p.equals("/api_3/build/list")) {
            List<Build> all;
            synchronized (builds) {
                all = new ArrayList<>(builds.values());
            }
            Collections.reverse(all);
            ObjectNode r = JSON.createObjectNode();
            ArrayNode items = r.putArray("items");
            all.stream().filter(b -> b.owner.equals(q.get("ownername")) && b.project.equals(q.get("projectname")))
                    .forEach(b -> items.add(buildJson(b)));
            r.putObject("meta").put("limit", q.get("limit"));
            return ok(r);
        }
        if (m.equals("GET") && (x = Pattern.compile("/api_3/build/([0-9]+)/?").matcher(p)).matches()) {
            Build b = builds.get(Long.parseLong(x.group(1)));
            if (b == null) {
                return error(404, "Build " + x.group(1) + " does not exist.");
            }
            step(b);
            return ok(buildJson(b));
        }
        if (m.equals("GET") && (x = Pattern.compile("/api_3/build/source-chroot/([0-9]+)").matcher(p)).matches()) {
            Build b = builds.get(Long.parseLong(x.group(1)));
            if (b == null) {
                return error(404, "Build " + x.group(1) + " does not exist.");
            }
            if (!b.sourceResultDir) {
                // COPR takes the dirname of a log URL it does not have yet and fails
                return error(500, "Request wasn't successful, there is probably a bug in the Copr code.");
            }
            ObjectNode r = JSON.createObjectNode();
            r.put("state", b.sourceState);
            r.put("result_url", url() + "/results/" + b.owner + "/" + b.project + "/srpm-builds/"
                    + String.format("%08d", b.id));
            return ok(r);
        }
        if (m.equals("GET") && p.equals("/api_3/build-chroot/list")) {
            // COPR filters build chroots by build_id: an unknown build simply has none
            Build b = builds.get(Long.parseLong(q.get("build_id")));
            ObjectNode r = JSON.createObjectNode();
            ArrayNode items = r.putArray("items");
            if (b != null) {
                for (Map.Entry<String, String> e : b.chroots.entrySet()) {
                    ObjectNode c = items.addObject();
                    c.put("name", e.getKey());
                    c.putNull("started_on");
                    c.putNull("ended_on");
                    if (b.chrootResultDirs.contains(e.getKey())) {
                        c.put("result_url", url() + "/results/" + b.owner + "/" + b.project + "/" + e.getKey() + "/"
                                + String.format("%08d", b.id) + "-" + b.packageName + "/");
                    } else {
                        c.putNull("result_url");
                    }
                    c.put("state", e.getValue());
                }
            }
            r.putObject("meta").put("limit", (String) null);
            return ok(r);
        }
        if ((m.equals("PUT") || m.equals("POST"))
                && (x = Pattern.compile("/api_3/build/cancel/([0-9]+)").matcher(p)).matches()) {
            if (user == null) {
                return notLoggedIn();
            }
            Build b = builds.get(Long.parseLong(x.group(1)));
            if (b == null) {
                return error(404, "Build " + x.group(1) + " does not exist.");
            }
            if (!b.owner.equals(user)) {
                return error(403, "You are not allowed to cancel this build.");
            }
            if (b.finished()) {
                return error(409, "Cannot cancel build " + b.id);
            }
            b.canceled = true;
            b.chroots.replaceAll((c, st) -> FINISHED.contains(st) ? st : "canceled");
            return ok(buildJson(b));
        }
        return error(404, "Such API endpoint doesn't exist");
    }

    // ---- projects ----

    private Reply addProject(String owner, JsonNode j, boolean existOk, String user) {
        if (!owner.equals(user)) {
            return error(403, "User '" + user + "' can not create projects of '" + owner + "'");
        }
        String name = j.path("name").asText("");
        Map<String, String> errors = new TreeMap<>();
        Project existing = projects.get(owner + "/" + name);
        if (name.isEmpty()) {
            errors.put("name", "This field is required.");
        } else if (!name.matches("[\\w.-]+")) {
            errors.put("name", "Name must contain only letters, digits, underscores, dashes and dots.");
        } else if (existing != null) {
            if (existOk) {
                return ok(projectJson(existing));
            }
            errors.put("name", "You already have a project named '" + name + "'.");
        }
        List<String> chroots = strings(j.path("chroots"));
        chrootErrors(chroots, errors);
        if (errors.isEmpty() && chroots.isEmpty()) {
            errors.put("None", "At least one chroot must be selected");
        }
        if (!errors.isEmpty()) {
            return invalidForm(errors);
        }
        Project p = new Project(nextProject.getAndIncrement(), owner, name);
        p.chroots.addAll(chroots);
        p.description = text(j, "description");
        p.instructions = text(j, "instructions");
        p.enableNet = j.path("enable_net").asBoolean(false);
        p.followFedoraBranching = j.path("follow_fedora_branching").asBoolean(true);
        p.packitForgeProjects.addAll(forge(j.path("packit_forge_projects_allowed")));
        projects.put(owner + "/" + name, p);
        return ok(projectJson(p));
    }

    private Reply editProject(String owner, String name, JsonNode j, String user) {
        Project p = projects.get(owner + "/" + name);
        if (p == null) {
            return error(404, "Project " + owner + "/" + name + " does not exist.");
        }
        if (!owner.equals(user)) {
            return error(403, "Only owners and admins may update their projects.");
        }
        Map<String, String> errors = new TreeMap<>();
        List<String> chroots = strings(j.path("chroots"));
        chrootErrors(chroots, errors);
        if (!errors.isEmpty()) {
            return invalidForm(errors);
        }
        if (!chroots.isEmpty()) {
            Set<Long> unfinished = new TreeSet<>();
            for (String dropped : p.chroots) {
                if (chroots.contains(dropped)) {
                    continue;
                }
                for (Build b : builds.values()) {
                    if (b.owner.equals(owner) && b.project.equals(name) && b.chroots.containsKey(dropped)
                            && !b.finished() && !FINISHED.contains(b.chroots.get(dropped))) {
                        unfinished.add(b.id);
                    }
                }
            }
            if (!unfinished.isEmpty()) {
                List<String> ids = unfinished.stream().map(String::valueOf).toList();
                return error(409, "Can't drop chroot from project, related " + (ids.size() == 1
                        ? "build " + ids.get(0) + " is" : "builds " + String.join(", ", ids.subList(0, ids.size() - 1))
                        + (ids.size() > 2 ? "," : "") + " and " + ids.get(ids.size() - 1) + " are") + " still in progress");
            }
            p.chroots.clear();
            p.chroots.addAll(chroots);
        }
        if (j.has("description")) {
            p.description = text(j, "description");
        }
        if (j.has("instructions")) {
            p.instructions = text(j, "instructions");
        }
        if (j.has("enable_net")) {
            p.enableNet = j.get("enable_net").asBoolean();
        }
        if (j.has("follow_fedora_branching")) {
            p.followFedoraBranching = j.get("follow_fedora_branching").asBoolean();
        }
        if (j.has("packit_forge_projects_allowed")) {
            p.packitForgeProjects.clear();
            p.packitForgeProjects.addAll(forge(j.get("packit_forge_projects_allowed")));
        }
        return ok(projectJson(p));
    }

    private void chrootErrors(List<String> chroots, Map<String, String> errors) {
        List<String> bad = chroots.stream().filter(c -> !activeChroots.contains(c)).toList();
        if (bad.size() == 1) {
            errors.put("chroots", "'" + bad.get(0) + "' is not a valid choice for this field.");
        } else if (bad.size() > 1) {
            errors.put("chroots", "'" + String.join("', '", bad) + "' are not valid choices for this field.");
        }
    }

    private static List<String> forge(JsonNode n) {
        List<String> out = new ArrayList<>();
        List<String> items = n.isArray() ? strings(n) : List.of(n.asText("").split("\\s+"));
        for (String s : items) {
            if (s.isBlank()) {
                continue;
            }
            try {
                URI u = new URI(s);
                out.add(u.getScheme() == null ? s : u.getHost() + u.getPath());
            } catch (URISyntaxException e) {
                out.add(s);
            }
        }
        return out;
    }

    private ObjectNode projectJson(Project p) {
        ObjectNode j = JSON.createObjectNode();
        j.put("id", p.id);
        j.put("name", p.name);
        j.put("ownername", p.owner);
        j.put("full_name", p.owner + "/" + p.name);
        j.putNull("homepage");
        j.putNull("contact");
        j.put("description", p.description);
        j.put("instructions", p.instructions);
        j.put("devel_mode", false);
        j.put("persistent", false);
        j.put("unlisted_on_hp", false);
        j.put("auto_prune", true);
        ObjectNode repos = j.putObject("chroot_repos");
        // like CoprsLogic.get_yum_repos: active chroots only
        p.chroots.stream().filter(activeChroots::contains).forEach(c -> repos.put(c, url() + "/results/" + p.owner
                + "/" + p.name + "/" + c + "/"));
        j.putArray("additional_repos");
        j.put("enable_net", p.enableNet);
        j.put("bootstrap", "default");
        j.put("isolation", "default");
        j.put("module_hotfixes", false);
        j.put("appstream", false);
        ArrayNode forge = j.putArray("packit_forge_projects_allowed");
        p.packitForgeProjects.forEach(forge::add);
        j.put("follow_fedora_branching", p.followFedoraBranching);
        j.putNull("repo_priority");
        j.put("projectname", p.name);
        j.put("storage", "backend");
        return j;
    }

    // ---- builds ----

    /** The build form's validation (shared by check-before-build and create); null when fine. */
    private Reply checkBuild(JsonNode j, String user) {
        String owner = j.path("ownername").asText();
        String name = j.path("projectname").asText();
        Project proj = projects.get(owner + "/" + name);
        if (proj == null) {
            return error(404, "Project " + owner + "/" + name + " does not exist.");
        }
        if (!owner.equals(user)) {
            return error(403, "User '" + user + "' is not allowed to build in '" + owner + "/" + name + "'");
        }
        Map<String, String> errors = new TreeMap<>();
        List<String> bad = strings(j.path("chroots")).stream()
                .filter(c -> !proj.chroots.contains(c) || !activeChroots.contains(c)).toList();
        if (!bad.isEmpty()) {
            errors.put("chroots", "'" + String.join("', '", bad) + "' "
                    + (bad.size() == 1 ? "is not a valid choice" : "are not valid choices") + " for this field.");
        }
        if (j.has("timeout") && !j.get("timeout").isNull()) {
            JsonNode t = j.get("timeout");
            if (!t.canConvertToInt() || t.asInt() < 0 || t.asInt() > MAX_TIMEOUT) {
                errors.put("timeout", "Number must be between 0 and " + MAX_TIMEOUT + ".");
            }
        }
        boolean after = j.hasNonNull("after_build_id");
        boolean with = j.hasNonNull("with_build_id");
        if (after && with) {
            errors.put("after_build_id", "Only one batch option can be specified");
            errors.put("with_build_id", "Only one batch option can be specified");
        } else if (after || with) {
            String field = after ? "after_build_id" : "with_build_id";
            Build other = builds.get(j.get(field).asLong());
            if (other == null) {
                errors.put(field, "Build " + j.get(field).asText() + " not found");
            } else if (other.batch != null) {
                if (with && other.batch.finished()) {
                    errors.put(field, "Batch " + other.batch.id + " is already finished");
                }
            } else if (other.finished()) {
                errors.put(field, "Build " + other.id + " is not yet in any batch, and new batch can not be created"
                        + " because the build has already finished");
            }
        }
        return errors.isEmpty() ? null : formError(errors);
    }

    private Reply create(JsonNode j, String user, String fileName, String specName) {
        Reply bad = checkBuild(j, user);
        if (bad != null) {
            return bad;
        }
        Project proj = projects.get(j.path("ownername").asText() + "/" + j.path("projectname").asText());
        long id = nextId.getAndIncrement();
        String srpmUrl = fileName == null ? null : url() + "/tmp/tmpabc" + id + "/" + fileName;
        boolean net = j.hasNonNull("enable_net") ? j.get("enable_net").asBoolean() : proj.enableNet;
        int timeout = j.hasNonNull("timeout") ? j.get("timeout").asInt() : DEFAULT_TIMEOUT;
        Build b = new Build(id, proj.owner, proj.name, user, j, fileName, srpmUrl, specName, net, timeout);
        synchronized (builds) {
            builds.values().stream().filter(o -> o.owner.equals(b.owner) && o.project.equals(b.project))
                    .forEach(o -> b.othersAtCreation.put(o.id, o.state()));
        }
        List<String> chroots = strings(j.path("chroots"));
        for (String c : chroots.isEmpty() ? proj.chroots : chroots) {
            b.chroots.put(c, "waiting");
        }
        if (j.hasNonNull("with_build_id")) {
            Build other = builds.get(j.get("with_build_id").asLong());
            b.batch = batchOf(other);
        } else if (j.hasNonNull("after_build_id")) {
            Batch old = batchOf(builds.get(j.get("after_build_id").asLong()));
            b.batch = new Batch(nextBatch.getAndIncrement(), old);
        }
        if (b.batch != null) {
            b.batch.builds.add(b);
        }
        builds.put(id, b);
        return ok(buildJson(b));
    }

    private Batch batchOf(Build b) {
        if (b.batch == null) {
            b.batch = new Batch(nextBatch.getAndIncrement(), null);
            b.batch.builds.add(b);
        }
        return b.batch;
    }

    /** One step of the backend's work on a build (none while its batch is blocked). */
    private void step(Build b) {
        if (b.canceled || b.finished() || b.blocked()) {
            return;
        }
        switch (b.sourceState) {
            case "pending" -> b.sourceState = "starting";
            case "starting" -> {
                b.sourceState = "running";
                b.sourceResultDir = true;
            }
            case "running" -> {
                if (srpmFails.contains(expectedName(b))) {
                    b.sourceState = "failed";
                    b.chroots.replaceAll((c, st) -> "failed");
                } else {
                    b.sourceState = "importing";
                    nameAndVersion(b);
                }
            }
            case "importing" -> {
                b.sourceState = "succeeded";
                b.chroots.replaceAll((c, st) -> "pending");
            }
            default -> stepChroots(b);
        }
    }

    private void stepChroots(Build b) {
        for (Map.Entry<String, String> e : b.chroots.entrySet()) {
            String c = e.getKey();
            String fin = finalStates.getOrDefault(b.packageName + "/" + c,
                    finalStates.getOrDefault(b.packageName + "/*", "succeeded"));
            switch (e.getValue()) {
                case "pending" -> e.setValue("starting");
                case "starting" -> {
                    e.setValue("running");
                    b.chrootResultDirs.add(c);
                }
                case "running" -> {
                    if (running.merge(b.id + "/" + c, 1, Integer::sum) >= runningSteps) {
                        e.setValue(fin);
                    }
                }
                default -> {
                    // finished, or a state the stand-in was told to report (it stays)
                }
            }
        }
    }

    private static String expectedName(Build b) {
        if (b.specName != null) {
            return b.specName;
        }
        Matcher n = SRPM.matcher(b.uploadedName == null ? "" : b.uploadedName);
        return n.matches() ? n.group(1) : null;
    }

    private static void nameAndVersion(Build b) {
        if (b.uploadedName != null) {
            Matcher n = SRPM.matcher(b.uploadedName);
            if (n.matches()) {
                b.packageName = n.group(1);
                b.packageVersion = n.group(2);
            }
        } else {
            b.packageName = b.specName;
            b.packageVersion = "1.0-1";
        }
    }

    private ObjectNode buildJson(Build b) {
        ObjectNode j = JSON.createObjectNode();
        j.put("id", b.id);
        j.put("state", b.state());
        j.put("projectname", b.project);
        j.put("ownername", b.owner);
        j.put("repo_url", url() + "/results/" + b.owner + "/" + b.project);
        ObjectNode src = j.putObject("source_package");
        src.put("name", b.packageName);
        src.put("version", b.packageVersion);
        src.put("url", b.srpmUrl);
        j.put("submitted_on", b.submittedOn);
        j.putNull("started_on");
        j.putNull("ended_on");
        j.put("submitter", b.user);
        ArrayNode cs = j.putArray("chroots");
        b.chroots.keySet().forEach(cs::add);
        j.put("project_dirname", b.project);
        j.put("is_background", false);
        return j;
    }

    // ---- small helpers ----

    /** COPR's "Bad request parameters: {form errors}" (a Python dict as text). */
    private static Reply formError(Map<String, String> errors) {
        StringBuilder sb = new StringBuilder("Bad request parameters: {");
        boolean first = true;
        for (Map.Entry<String, String> e : errors.entrySet()) {
            sb.append(first ? "" : ", ").append('\'').append(e.getKey()).append("': [").append(pyRepr(e.getValue()))
                    .append(']');
            first = false;
        }
        return error(400, sb.append('}').toString());
    }

    /** A string as Python's repr() writes it (COPR formats its form errors with it). */
    private static String pyRepr(String v) {
        if (v.contains("'") && !v.contains("\"")) {
            return "\"" + v + "\"";
        }
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** COPR's InvalidForm: "field: message" lines. */
    private static Reply invalidForm(Map<String, String> errors) {
        List<String> lines = new ArrayList<>();
        errors.forEach((k, v) -> lines.add(k + ": " + v));
        return error(400, String.join("\n", lines));
    }

    private static boolean isUrl(String s) {
        try {
            URI u = new URI(s);
            return u.getScheme() != null && u.getHost() != null && u.getHost().contains(".");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(c -> out.add(c.asText()));
        }
        return out;
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> m = new HashMap<>();
        if (rawQuery == null) {
            return m;
        }
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private record Part(String fileName, byte[] data) {
    }

    private static Map<String, Part> multipart(byte[] body, String ctype) {
        String boundary = ctype.replaceFirst(".*boundary=", "");
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Part> parts = new HashMap<>();
        int pos = indexOf(body, delim, 0);
        while (pos >= 0) {
            int start = pos + delim.length;
            if (start + 2 <= body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            start += 2; // CRLF
            int next = indexOf(body, delim, start);
            if (next < 0) {
                break;
            }
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            String headers = new String(body, start, headerEnd - start, StandardCharsets.ISO_8859_1);
            byte[] data = java.util.Arrays.copyOfRange(body, headerEnd + 4, next - 2);
            Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(headers);
            Matcher file = Pattern.compile("filename=\"([^\"]*)\"").matcher(headers);
            if (name.find()) {
                parts.put(name.group(1), new Part(file.find() ? file.group(1) : null, data));
            }
            pos = next;
        }
        return parts;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(b);
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout test): nothing to answer to
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
