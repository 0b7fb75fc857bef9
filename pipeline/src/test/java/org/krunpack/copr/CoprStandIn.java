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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the COPR frontend's API v3 on loopback, for tests only. It implements the
 * request and response shapes of the endpoints krunpack uses, as python-copr and copr-frontend's
 * apiv3 views define them (project get/add/edit, build create upload/scm, build get, build list,
 * build-chroot list, build cancel), checks HTTP Basic auth on changing requests (403 with
 * {"error": ...} otherwise, as COPR does), counts every request, and can be told to fail the next
 * request to an endpoint (status, malformed body, a delay past the client's timeout).
 */
final class CoprStandIn implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SRPM = Pattern.compile("(.+)-([^-]+-[^-]+)\\.src\\.rpm");

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

    private final HttpServer server;
    private final String expectedAuth;
    private final String user;
    final List<Seen> requests = Collections.synchronizedList(new ArrayList<>());
    final Map<String, ObjectNode> projects = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<Long, ObjectNode> builds = Collections.synchronizedMap(new LinkedHashMap<>());
    /** "package/chroot" → the state that chroot ends in (default succeeded). */
    final Map<String, String> finalStates = Collections.synchronizedMap(new HashMap<>());
    /** Polls of GET build/<id> before chroots reach their final state. */
    volatile int pollsUntilDone = 1;
    private final Map<Long, Integer> polls = Collections.synchronizedMap(new HashMap<>());
    private final Map<String, Deque<Fault>> faults = Collections.synchronizedMap(new HashMap<>());
    private final AtomicLong nextId = new AtomicLong(1001);

    static {
        // answer at once (no Nagle delay on small responses)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    CoprStandIn(String login, String token, String user) throws IOException {
        this.expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((login + ":" + token).getBytes(StandardCharsets.UTF_8));
        this.user = user;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
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

    void fault(String key, Fault f) {
        faults.computeIfAbsent(key, k -> new ArrayDeque<>()).add(f);
    }

    ObjectNode project(String owner, String name, List<String> chroots, boolean enableNet, String description,
                       String instructions) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", 77);
        p.put("name", name);
        p.put("ownername", owner);
        p.put("full_name", owner + "/" + name);
        p.put("homepage", (String) null);
        p.put("contact", (String) null);
        p.put("description", description);
        p.put("instructions", instructions);
        p.put("devel_mode", false);
        p.put("persistent", false);
        p.put("unlisted_on_hp", false);
        p.put("auto_prune", true);
        ObjectNode repos = p.putObject("chroot_repos");
        for (String c : chroots) {
            repos.put(c, url() + "/results/" + owner + "/" + name + "/" + c + "/");
        }
        p.putArray("additional_repos");
        p.put("enable_net", enableNet);
        p.put("bootstrap", "default");
        p.put("isolation", "default");
        p.put("module_hotfixes", false);
        p.put("appstream", false);
        p.putArray("packit_forge_projects_allowed");
        projects.put(owner + "/" + name, p);
        return p;
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
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            boolean authorized = expectedAuth.equals(auth);
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
            Seen seen = new Seen(method, path, query, json, fileName, fileBytes, authorized);
            requests.add(seen);
            Deque<Fault> fs = faults.get(seen.key());
            Fault fault = fs == null ? null : fs.poll();
            if (fault != null && fault.status() != 0) {
                if (fault.thenProcess()) {
                    Reply ignored = route(seen, params(query));   // the service does the work...
                }
                if (fault.delayMillis() > 0) {
                    sleep(fault.delayMillis());                   // ...but the answer comes too late
                }
                send(ex, fault.status(), fault.body());
                return;
            }
            if (!"GET".equals(method) && !authorized) {
                send(ex, 403, "{\"error\": \"Login invalid/expired. Please visit " + url()
                        + "/api/ to get or renew your API token.\"}");
                return;
            }
            Reply r = route(seen, params(query));
            send(ex, r.status, r.body);
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\": \"stand-in failure: " + e + "\"}");
        }
    }

    private record Reply(int status, String body) {
    }

    private Reply ok(JsonNode n) {
        return new Reply(200, n.toString());
    }

    private Reply error(int status, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("error", message);
        return new Reply(status, e.toString());
    }

    private Reply route(Seen s, Map<String, String> q) {
        String p = s.path();
        Matcher m;
        if (s.method().equals("GET") && p.equals("/api_3/project")) {
            ObjectNode proj = projects.get(q.get("ownername") + "/" + q.get("projectname"));
            return proj == null ? error(404, "Project " + q.get("ownername") + "/" + q.get("projectname")
                    + " does not exist.") : ok(proj);
        }
        if (s.method().equals("POST") && (m = Pattern.compile("/api_3/project/add/([^/]+)").matcher(p)).matches()) {
            String owner = m.group(1);
            String name = s.json().path("name").asText();
            if (projects.containsKey(owner + "/" + name)) {
                return error(400, "You already have a project named '" + name + "'.");
            }
            List<String> chroots = new ArrayList<>();
            s.json().path("chroots").forEach(c -> chroots.add(c.asText()));
            return ok(project(owner, name, chroots, s.json().path("enable_net").asBoolean(true),
                    text(s.json(), "description"), text(s.json(), "instructions")));
        }
        if ((s.method().equals("POST") || s.method().equals("PUT"))
                && (m = Pattern.compile("/api_3/project/edit/([^/]+)/([^/]+)").matcher(p)).matches()) {
            ObjectNode proj = projects.get(m.group(1) + "/" + m.group(2));
            if (proj == null) {
                return error(404, "Project " + m.group(1) + "/" + m.group(2) + " does not exist.");
            }
            JsonNode j = s.json();
            if (j.has("chroots")) {
                ObjectNode repos = proj.putObject("chroot_repos");
                j.get("chroots").forEach(c -> repos.put(c.asText(), url() + "/results/" + c.asText() + "/"));
            }
            for (String f : List.of("description", "instructions")) {
                if (j.has(f)) {
                    proj.put(f, text(j, f));
                }
            }
            if (j.has("enable_net")) {
                proj.put("enable_net", j.get("enable_net").asBoolean());
            }
            return ok(proj);
        }
        if (s.method().equals("POST") && p.equals("/api_3/build/create/upload")) {
            if (s.fileName() == null) {
                return error(400, "Bad request parameters: {'pkgs': ['This field is required.']}");
            }
            Matcher n = SRPM.matcher(s.fileName());
            return create(s.json(), n.matches() ? n.group(1) : null, n.matches() ? n.group(2) : null,
                    url() + "/tmp/" + s.fileName());
        }
        if (s.method().equals("POST") && p.equals("/api_3/build/create/scm")) {
            if (!"make_srpm".equals(s.json().path("source_build_method").asText())) {
                return error(400, "unexpected source_build_method");
            }
            String spec = s.json().path("spec").asText();
            String name = spec.replaceAll(".*/", "").replaceAll("\\.spec$", "");
            return create(s.json(), name, null, null);
        }
        if (s.method().equals("GET") && p.equals("/api_3/build/list")) {
            List<ObjectNode> all;
            synchronized (builds) {
                all = new ArrayList<>(builds.values());
            }
            Collections.reverse(all);
            ObjectNode r = JSON.createObjectNode();
            ArrayNode items = r.putArray("items");
            all.stream().filter(b -> b.path("ownername").asText().equals(q.get("ownername"))
                    && b.path("projectname").asText().equals(q.get("projectname")))
                    .forEach(b -> items.add(visible(b)));
            r.putObject("meta").put("limit", q.get("limit"));
            return ok(r);
        }
        if (s.method().equals("GET") && (m = Pattern.compile("/api_3/build/([0-9]+)/?").matcher(p)).matches()) {
            long id = Long.parseLong(m.group(1));
            ObjectNode b = builds.get(id);
            if (b == null) {
                return error(404, "Build " + id + " does not exist.");
            }
            int n = polls.merge(id, 1, Integer::sum);
            advance(b, n);
            return ok(visible(b));
        }
        if (s.method().equals("GET") && p.equals("/api_3/build-chroot/list")) {
            long id = Long.parseLong(q.get("build_id"));
            ObjectNode b = builds.get(id);
            if (b == null) {
                return error(404, "Build " + id + " does not exist.");
            }
            ObjectNode r = JSON.createObjectNode();
            ArrayNode items = r.putArray("items");
            for (Iterator<Map.Entry<String, JsonNode>> it = b.path("_chroot_states").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ObjectNode c = items.addObject();
                c.put("name", e.getKey());
                c.put("started_on", (String) null);
                c.put("ended_on", (String) null);
                c.put("result_url", url() + "/results/" + b.path("ownername").asText() + "/"
                        + b.path("projectname").asText() + "/" + e.getKey() + "/0" + id + "-"
                        + b.path("source_package").path("name").asText() + "/");
                c.put("state", e.getValue().asText());
            }
            r.putObject("meta");
            return ok(r);
        }
        if ((s.method().equals("PUT") || s.method().equals("POST"))
                && (m = Pattern.compile("/api_3/build/cancel/([0-9]+)").matcher(p)).matches()) {
            ObjectNode b = builds.get(Long.parseLong(m.group(1)));
            if (b == null) {
                return error(404, "Build does not exist.");
            }
            ObjectNode states = (ObjectNode) b.get("_chroot_states");
            states.fieldNames().forEachRemaining(c -> states.put(c, "canceled"));
            b.put("state", "canceled");
            return ok(visible(b));
        }
        return error(404, "stand-in: no route for " + s.key());
    }

    private Reply create(JsonNode j, String name, String version, String srpmUrl) {
        ObjectNode proj = projects.get(j.path("ownername").asText() + "/" + j.path("projectname").asText());
        if (proj == null) {
            return error(404, "Project " + j.path("ownername").asText() + "/" + j.path("projectname").asText()
                    + " does not exist.");
        }
        if (j.has("after_build_id") && !builds.containsKey(j.get("after_build_id").asLong())) {
            return error(400, "after_build_id: build " + j.get("after_build_id").asText() + " does not exist");
        }
        List<String> chroots = new ArrayList<>();
        for (JsonNode c : j.path("chroots")) {
            if (!proj.path("chroot_repos").has(c.asText())) {
                return error(400, "Bad request parameters: chroot " + c.asText() + " not enabled in the project");
            }
            chroots.add(c.asText());
        }
        if (chroots.isEmpty()) {
            proj.path("chroot_repos").fieldNames().forEachRemaining(chroots::add);
        }
        long id = nextId.getAndIncrement();
        ObjectNode b = JSON.createObjectNode();
        b.put("id", id);
        b.put("state", "importing");
        b.put("projectname", j.path("projectname").asText());
        b.put("ownername", j.path("ownername").asText());
        b.put("repo_url", url() + "/results/" + j.path("ownername").asText() + "/" + j.path("projectname").asText());
        ObjectNode src = b.putObject("source_package");
        src.put("name", name);
        src.put("version", version);
        src.put("url", srpmUrl);
        b.put("submitted_on", System.currentTimeMillis() / 1000);
        b.putNull("started_on");
        b.putNull("ended_on");
        b.put("submitter", user);
        ArrayNode cs = b.putArray("chroots");
        chroots.forEach(cs::add);
        b.put("project_dirname", j.path("projectname").asText());
        b.put("is_background", false);
        ObjectNode states = b.putObject("_chroot_states");
        chroots.forEach(c -> states.put(c, "pending"));
        b.set("_request", j);
        builds.put(id, b);
        return ok(visible(b));
    }

    /** What the service returns (without the stand-in's private fields). */
    private static ObjectNode visible(ObjectNode b) {
        ObjectNode v = b.deepCopy();
        v.remove("_chroot_states");
        v.remove("_request");
        return v;
    }

    private void advance(ObjectNode b, int poll) {
        if (b.path("state").asText().equals("canceled")) {
            return;
        }
        ObjectNode states = (ObjectNode) b.get("_chroot_states");
        String pkg = b.path("source_package").path("name").asText();
        boolean done = poll > pollsUntilDone;
        boolean anyFailed = false;
        for (Iterator<String> it = states.fieldNames(); it.hasNext(); ) {
            String c = it.next();
            String fin = finalStates.getOrDefault(pkg + "/" + c, "succeeded");
            String st = done ? fin : "running";
            states.put(c, st);
            anyFailed |= !st.equals("succeeded") && !st.equals("running") && !st.equals("skipped");
            if (done && !List.of("succeeded", "failed", "canceled", "skipped", "forked").contains(st)) {
                done = false;
            }
        }
        b.put("state", !done ? "running" : anyFailed ? "failed" : "succeeded");
        String override = finalStates.get(pkg + "/*");
        if (override != null && poll > pollsUntilDone) {
            b.put("state", override);
        }
    }

    // ---- small helpers ----

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
