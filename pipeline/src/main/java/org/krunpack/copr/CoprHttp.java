package org.krunpack.copr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The HTTP transport to COPR's API v3 ({@code <copr_url>/api_3/}) on {@link HttpClient}: JSON
 * bodies for POST, query parameters for GET, multipart for uploads, HTTP Basic {@code login:token}.
 * 5xx answers and network failures are retried with exponential backoff a bounded number of
 * times; before a retry the caller's {@link RetryGuard} may find that the first attempt did reach
 * the service (so a build is never submitted twice). Every text this class prints or throws goes
 * through {@link Secret#scrub}: the token never leaves it. In dry-run mode it refuses to send.
 */
public final class CoprHttp {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param retries        retries after the first attempt (0: none)
     * @param retryDelay     the first delay; doubled for each further retry (capped at 60 s)
     * @param requestTimeout how long to wait for an answer to an ordinary request
     * @param uploadTimeout  how long to wait for an answer to an SRPM upload
     * @param debug          log every request and answer status (credentials masked)
     */
    public record Options(int retries, Duration retryDelay, Duration requestTimeout, Duration uploadTimeout,
                          boolean debug) {
        public static Options defaults() {
            return new Options(3, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(30), false);
        }
    }

    /** Waits between retries (tests pass one that does not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Asked before each retry: an answer when the failed attempt turns out to have worked. */
    @FunctionalInterface
    public interface RetryGuard {
        Optional<Response> beforeRetry();
    }

    /**
     * One request. {@code path} is relative to {@code api_3/}.
     *
     * @param file   an SRPM to upload as multipart part {@code pkgs} (the JSON goes in part {@code json})
     * @param upload true for uploads (longer timeout)
     * @param auth   true when the request carries the login (every change, and auth-check)
     */
    public record Request(String method, String path, Map<String, String> query, JsonNode json, Path file,
                          boolean upload, boolean auth) {
        public static Request get(String path, Map<String, String> query) {
            return new Request("GET", path, query, null, null, false, false);
        }

        public static Request post(String path, JsonNode json) {
            return post(path, Map.of(), json);
        }

        public static Request post(String path, Map<String, String> query, JsonNode json) {
            return new Request("POST", path, query, json, null, false, true);
        }

        public static Request put(String path, JsonNode json) {
            return new Request("PUT", path, Map.of(), json, null, false, true);
        }

        public static Request upload(String path, JsonNode json, Path file) {
            return new Request("POST", path, Map.of(), json, file, true, true);
        }

        /** A read that needs the login ({@code auth-check}). */
        public static Request authenticatedGet(String path) {
            return new Request("GET", path, Map.of(), null, null, false, true);
        }

        public boolean changes() {
            return !"GET".equals(method);
        }
    }

    /** An answer: a 2xx with its JSON, or a 404 (the caller decides what absence means). */
    public record Response(int status, JsonNode body) {
        public boolean notFound() {
            return status == 404;
        }
    }

    private final URI apiBase;
    private final String login;
    private final Secret token;
    private final String authHeader;
    private final Path configFile;
    private final String tokenPage;
    private final Options options;
    private final PrintWriter log;
    private final Sleeper sleeper;
    private final HttpClient client;
    private final boolean dryRun;

    private CoprHttp(URI apiBase, String login, Secret token, Path configFile, String tokenPage, Options options,
                     PrintWriter log, Sleeper sleeper, boolean dryRun) {
        this.apiBase = apiBase;
        this.login = login;
        this.token = token == null ? new Secret("") : token;
        this.authHeader = login == null || this.token.isEmpty() ? null : "Basic " + Base64.getEncoder()
                .encodeToString((login + ":" + this.token.reveal()).getBytes(StandardCharsets.UTF_8));
        this.configFile = configFile;
        this.tokenPage = tokenPage;
        this.options = options;
        this.log = log;
        this.sleeper = sleeper == null ? d -> Thread.sleep(d.toMillis()) : sleeper;
        this.dryRun = dryRun;
        this.client = dryRun ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.requestTimeout())
                .build();
    }

    /** A transport that talks to the service of {@code config}. */
    public static CoprHttp live(CoprConfig config, Options options, PrintWriter log, Sleeper sleeper) {
        return new CoprHttp(config.apiBase(), config.login(), config.token(), config.file(), config.tokenPage(),
                options, log, sleeper, false);
    }

    /** A transport that only describes requests ({@code --dry-run}); {@code config} may be null. */
    public static CoprHttp dryRun(CoprConfig config, PrintWriter log) {
        if (config == null) {
            URI base = URI.create(CoprConfig.DEFAULT_URL + "/api_3/");
            return new CoprHttp(base, null, null, null, CoprConfig.DEFAULT_URL + "/api/", Options.defaults(), log,
                    null, true);
        }
        return new CoprHttp(config.apiBase(), config.login(), config.token(), config.file(), config.tokenPage(),
                Options.defaults(), log, null, true);
    }

    /** The service's web address ({@code copr_url}, ending in /). */
    public String serviceUrl() {
        String s = apiBase.toString();
        return s.substring(0, s.length() - "api_3/".length());
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /** Removes the token (and the Authorization value) from a text. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = token.scrub(text);
        if (authHeader != null) {
            s = s.replace(authHeader.substring("Basic ".length()), Secret.MASK);
        }
        return s;
    }

    /** The full URL of a request. */
    public URI uri(Request r) {
        StringJoiner q = new StringJoiner("&");
        for (Map.Entry<String, String> e : r.query().entrySet()) {
            if (e.getValue() != null) {
                q.add(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        String s = apiBase + r.path() + (q.length() > 0 ? "?" + q : "");
        return URI.create(s);
    }

    /** The request as {@code --dry-run} prints it: method, URL, auth (token masked), body. */
    public String describe(Request r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.method()).append(' ').append(uri(r)).append('\n');
        if (r.auth()) {
            sb.append("  Authorization: Basic ").append(login == null ? "(no COPR config: login unknown)" : login)
                    .append(':').append(Secret.MASK).append('\n');
        }
        if (r.file() != null) {
            sb.append("  Content-Type: multipart/form-data\n");
            sb.append("  part json:\n").append(indent(pretty(r.json()), "    ")).append('\n');
            long size = -1;
            try {
                size = Files.size(r.file());
            } catch (IOException ignored) {
                // shown as unknown
            }
            sb.append("  part pkgs: ").append(r.file().getFileName())
                    .append(size >= 0 ? " (" + size + " bytes, application/x-rpm)" : " (missing)").append('\n');
        } else if (r.json() != null) {
            sb.append("  Content-Type: application/json\n").append(indent(pretty(r.json()), "  ")).append('\n');
        }
        return scrub(sb.toString());
    }

    public Response send(Request r) {
        return send(r, null);
    }

    /** Sends, retrying 5xx and network failures; throws a {@link KrunpackException} for anything else. */
    public Response send(Request r, RetryGuard guard) {
        if (dryRun) {
            throw new IllegalStateException("dry run: refusing to send " + r.method() + " " + uri(r));
        }
        URI uri = uri(r);
        String what = r.method() + " " + uri;
        String lastFailure = null;
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0 && guard != null) {
                Optional<Response> found = guard.beforeRetry();
                if (found.isPresent()) {
                    debug("  the failed attempt did reach COPR: not sending " + what + " again");
                    return found.get();
                }
            }
            long start = System.nanoTime();
            try {
                debug("> " + what + (attempt > 0 ? " (retry " + attempt + ")" : ""));
                HttpResponse<byte[]> resp = client.send(build(r, uri), HttpResponse.BodyHandlers.ofByteArray());
                int status = resp.statusCode();
                debug("< " + status + " (" + (System.nanoTime() - start) / 1_000_000 + " ms, "
                        + resp.body().length + " bytes)");
                if (status >= 500) {
                    lastFailure = "HTTP " + status + errorText(resp.body());
                } else {
                    return handle(r, what, status, resp.body());
                }
            } catch (HttpTimeoutException e) {
                lastFailure = "no answer within " + timeout(r).toSeconds() + " s";
                debug("< timeout");
            } catch (IOException e) {
                lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                debug("< " + lastFailure);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KrunpackException.external("interrupted while waiting for COPR (" + scrub(what) + ")");
            }
            if (attempt >= options.retries()) {
                throw KrunpackException.external(scrub("COPR failed " + what + " " + (attempt + 1)
                        + (attempt == 0 ? " time" : " times") + "; last: " + lastFailure
                        + ". Check the network and the service's status, then run again (--retries raises the"
                        + " number of attempts)"));
            }
            Duration delay = options.retryDelay().multipliedBy(1L << Math.min(attempt, 20));
            if (delay.compareTo(Duration.ofSeconds(60)) > 0) {
                delay = Duration.ofSeconds(60);
            }
            log.println(scrub("copr: " + what + ": " + lastFailure + "; retrying in " + delay.toMillis() + " ms ("
                    + (attempt + 1) + " of " + options.retries() + ")"));
            log.flush();
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KrunpackException.external("interrupted while waiting to retry " + scrub(what));
            }
        }
    }

    private Response handle(Request r, String what, int status, byte[] body) {
        if (status == 401) {
            // COPR: {"output": "notok", "error": "Login invalid/expired. Please visit .../api ..."}
            throw new KrunpackException(ExitCode.USAGE, scrub("COPR did not accept the login for " + what
                    + " (HTTP 401" + errorText(body) + "). The API token in "
                    + (configFile == null ? "your COPR config" : configFile) + " has expired or is wrong: get a"
                    + " new one at " + tokenPage + " and replace the [copr-cli] section of that file"));
        }
        if (status == 403) {
            throw new KrunpackException(ExitCode.USAGE, scrub("COPR refused " + what + " (HTTP 403"
                    + errorText(body) + "): the login in " + (configFile == null ? "your COPR config" : configFile)
                    + " is valid but may not do this in the project; check copr.owner in krunpack.yaml, or ask the"
                    + " project's owner for build or admin permission"));
        }
        if (status == 404 && !r.changes()) {
            return new Response(404, parseOrNull(body));
        }
        if (status == 409) {
            throw KrunpackException.external(scrub("COPR refused " + what + " for now (HTTP 409 conflict"
                    + errorText(body) + "): the project or build is busy or already finished; when builds are"
                    + " named, wait for them (krunpack copr watch BUILD_ID) or cancel them, then run again"));
        }
        if (status == 404) {
            throw new KrunpackException(ExitCode.USAGE, scrub("COPR rejected " + what + " (HTTP 404"
                    + errorText(body) + "): check copr.owner and copr.project in krunpack.yaml, and run 'krunpack"
                    + " copr setup' first when the project does not exist yet"));
        }
        if (status >= 400) {
            throw new KrunpackException(ExitCode.USAGE, scrub("COPR rejected " + what + " (HTTP " + status
                    + errorText(body) + "): check the copr: section of krunpack.yaml and the command's arguments"));
        }
        if (status >= 300) {
            throw KrunpackException.external(scrub("COPR answered " + what + " with a redirect (HTTP " + status
                    + "): check copr_url in " + (configFile == null ? "the COPR config" : configFile)
                    + " (use the https URL)"));
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw KrunpackException.external(scrub("COPR answered " + what + " (HTTP " + status
                    + ") with malformed JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage()) + "; the answer began: " + head(body)));
        }
        if (json == null || json.isMissingNode()) {
            throw KrunpackException.external(scrub("COPR answered " + what + " (HTTP " + status
                    + ") with an empty body where JSON was expected"));
        }
        if (json.isObject() && json.has("error") && !json.get("error").isNull()) {
            throw KrunpackException.external(scrub("COPR reported an error for " + what + ": "
                    + json.get("error").asText()));
        }
        return new Response(status, json);
    }

    private HttpRequest build(Request r, URI uri) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout(r))
                .header("Accept", "application/json")
                .header("User-Agent", "krunpack");
        if (r.auth() && authHeader != null) {
            b.header("Authorization", authHeader);
        }
        if (r.file() != null) {
            String boundary = "krunpack-" + UUID.randomUUID();
            byte[] head = ("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"json\"; filename=\"json\"\r\n"
                    + "Content-Type: application/json\r\n\r\n"
                    + JSON.writeValueAsString(r.json()) + "\r\n"
                    + "--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"pkgs\"; filename=\"" + r.file().getFileName() + "\"\r\n"
                    + "Content-Type: application/x-rpm\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            b.header("Content-Type", "multipart/form-data; boundary=" + boundary);
            b.method(r.method(), HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                    HttpRequest.BodyPublishers.ofFile(r.file()), HttpRequest.BodyPublishers.ofByteArray(tail)));
        } else if (r.json() != null) {
            b.header("Content-Type", "application/json");
            b.method(r.method(), HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(r.json())));
        } else {
            b.method(r.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private Duration timeout(Request r) {
        return r.upload() ? options.uploadTimeout() : options.requestTimeout();
    }

    private void debug(String line) {
        if (options.debug()) {
            log.println("copr: " + scrub(line));
            log.flush();
        }
    }

    private String errorText(byte[] body) {
        JsonNode j = parseOrNull(body);
        if (j != null && j.isObject() && j.hasNonNull("error")) {
            return ": " + scrub(j.get("error").asText());
        }
        return body.length == 0 ? "" : ": " + head(body);
    }

    private String head(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip();
        return scrub("'" + s + (body.length > 200 ? "...'" : "'"));
    }

    private static JsonNode parseOrNull(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String pretty(JsonNode n) {
        try {
            return n == null ? "null" : JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            return String.valueOf(n);
        }
    }

    private static String indent(String text, String prefix) {
        return prefix + text.replace("\n", "\n" + prefix);
    }

    /** A small ordered map builder for query parameters. */
    static Map<String, String> query(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
