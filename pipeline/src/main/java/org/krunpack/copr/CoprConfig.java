package org.krunpack.copr;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The COPR client configuration, the INI file copr-cli uses ({@code ~/.config/copr}):
 * section {@code [copr-cli]} with {@code login}, {@code token}, {@code username}, {@code copr_url}.
 * The token is held as a {@link Secret}; nothing here ever prints it (a bad line is reported by
 * its number, not its text).
 *
 * @param file     where it was read from
 * @param login    the API login (first half of HTTP Basic auth)
 * @param token    the API token (second half; expires, renew at {@code <copr_url>/api/})
 * @param username the COPR user name (default owner)
 * @param coprUrl  the service, e.g. https://copr.fedorainfracloud.org
 * @param warnings problems worth saying that do not stop us (file readable by others)
 */
public record CoprConfig(Path file, String login, Secret token, String username, URI coprUrl,
                         List<String> warnings) {

    /** The public Fedora COPR. */
    public static final URI DEFAULT_URL = URI.create("https://copr.fedorainfracloud.org");
    /** Environment variable naming the config file. */
    public static final String ENV = "KRUNPACK_COPR_CONFIG";

    /** {@code <copr_url>/api_3/}. */
    public URI apiBase() {
        String s = coprUrl.toString();
        return URI.create((s.endsWith("/") ? s : s + "/") + "api_3/");
    }

    /** Where a user gets a fresh token. */
    public String tokenPage() {
        String s = coprUrl.toString();
        return (s.endsWith("/") ? s : s + "/") + "api/";
    }

    /**
     * Which file to read, first match wins: {@code --copr-config}, env {@value #ENV}, the project's
     * {@code copr.config}, {@code ~/.config/copr}.
     */
    public static Path locate(Path option, Map<String, String> env, Path fromProject, Path home) {
        if (option != null) {
            return option;
        }
        String e = env.get(ENV);
        if (e != null && !e.isBlank()) {
            return Path.of(e);
        }
        if (fromProject != null) {
            return fromProject;
        }
        return home.resolve(".config").resolve("copr");
    }

    /** Reads and validates the file; every problem at once (exit 2), naming the file and key. */
    public static CoprConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw KrunpackException.usage(file + ": COPR config not found. Get an API token at "
                    + DEFAULT_URL + "/api/ and save the [copr-cli] section it shows there as " + file
                    + " (chmod 600), or point " + ENV + " or copr.config in krunpack.yaml at it");
        }
        List<String> lines = org.krunpack.core.Inputs.readText(file, 1 << 20, "COPR config").lines().toList();
        Problems problems = new Problems(file.toString());
        Map<String, Map<String, String>> sections = parse(lines, problems);
        Map<String, String> cli = sections.get("copr-cli");
        if (cli == null) {
            problems.add("[copr-cli]", "section missing (copy it from <copr_url>/api/)");
            cli = Map.of();
        }
        String login = cli.get("login");
        String token = cli.get("token");
        String username = cli.get("username");
        String url = cli.getOrDefault("copr_url", DEFAULT_URL.toString());
        if (login == null || login.isBlank()) {
            problems.add("[copr-cli] login", "required (copy it from <copr_url>/api/)");
        }
        if (token == null || token.isBlank()) {
            problems.add("[copr-cli] token", "required (copy it from <copr_url>/api/)");
        }
        URI uri = null;
        try {
            uri = new URI(url.strip());
            boolean loopback = "http".equals(uri.getScheme()) && uri.getHost() != null
                    && (uri.getHost().equals("127.0.0.1") || uri.getHost().equals("localhost"));
            if (!"https".equals(uri.getScheme()) && !loopback) {
                problems.add("[copr-cli] copr_url", "'" + url + "' must be an https URL (the token travels in it)");
            }
            if (uri.getUserInfo() != null) {
                problems.add("[copr-cli] copr_url", "must not carry credentials; use login and token");
            }
        } catch (URISyntaxException e) {
            problems.add("[copr-cli] copr_url", "'" + url + "' is not a URL: " + e.getReason());
        }
        problems.throwIfAny();
        return new CoprConfig(file, login.strip(), new Secret(token.strip()),
                username == null ? null : username.strip(), uri, permissionWarnings(file));
    }

    private static Map<String, Map<String, String>> parse(List<String> lines, Problems problems) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
                        k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            int sep = eq < 0 ? colon : (colon < 0 ? eq : Math.min(eq, colon));
            if (sep <= 0 || current == null) {
                // never echo the line: it may hold the token
                problems.add("line " + (i + 1), current == null
                        ? "a setting before any [section]" : "not 'key = value'");
                continue;
            }
            current.put(line.substring(0, sep).strip(), line.substring(sep + 1).strip());
        }
        return sections;
    }

    private static List<String> permissionWarnings(Path file) {
        List<String> warnings = new ArrayList<>();
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return warnings;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                warnings.add(file + " is readable by group or others (" + PosixFilePermissions.toString(perms)
                        + "): it holds your COPR token; run: chmod 600 " + file);
            }
        } catch (IOException e) {
            warnings.add(file + ": cannot read its permissions: " + e.getMessage());
        }
        return warnings;
    }
}
