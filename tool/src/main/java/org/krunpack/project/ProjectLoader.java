package org.krunpack.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code krunpack.yaml}. Every problem is collected with its path in the file
 * ({@code sources.kernel[0].sha512}) and reported at once (exit code 2) before anything runs.
 */
public final class ProjectLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern MAVEN = Pattern.compile("[^:\\s]+:[^:\\s]+(:[^:\\s]+){1,3}");
    private static final Set<String> TOP_LEVEL = Set.of("libkrunfw", "kernel", "arch", "variant",
            "sourceDateEpoch", "cacheDir", "sources", "patches", "config", "build", "packaging", "copr",
            "smoke", "review");

    private ProjectLoader() {
    }

    public static Project load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw KrunpackException.usage(file + ": project file not found (pass -c FILE, or run from the"
                    + " directory holding krunpack.yaml)");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw KrunpackException.usage(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw KrunpackException.usage(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw KrunpackException.usage(file + ": expected a YAML mapping at the top level");
        }
        return new ProjectLoader.Reader(file, root).read();
    }

    private static final class Reader {
        private final Path file;
        private final Path base;
        private final JsonNode root;
        private final Problems problems;

        Reader(Path file, JsonNode root) {
            this.file = file.toAbsolutePath().normalize();
            this.base = this.file.getParent();
            this.root = root;
            this.problems = new Problems(file.toString());
        }

        Project read() {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!TOP_LEVEL.contains(k)) {
                    problems.add(k, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)) + ")");
                }
            }
            JsonNode lk = root.path("libkrunfw");
            String version = text(lk, "libkrunfw", "version", true);
            if (version != null && !VERSION.matcher(version).matches()) {
                problems.add("libkrunfw.version", "'" + version + "' is not a version like 5.5.0");
            }
            int abi = integer(lk, "libkrunfw", "abi", -1, true);
            if (version != null && abi >= 0 && !version.startsWith(abi + ".")) {
                problems.add("libkrunfw.abi", "ABI " + abi + " does not match version " + version
                        + " (libkrunfw's ABI is the major version)");
            }
            String kernelVersion = text(root.path("kernel"), "kernel", "version", false);
            if (kernelVersion != null && !VERSION.matcher(kernelVersion).matches()) {
                problems.add("kernel.version", "'" + kernelVersion + "' is not a version like 6.12.91");
            }
            String archName = text(root, "", "arch", false);
            Arch arch = archName == null ? Arch.X86_64 : Arch.parse(archName);
            if (arch == null) {
                problems.add("arch", "'" + archName + "' is not one of x86_64, aarch64, riscv64");
            }
            String variantName = text(root, "", "variant", false);
            Variant variant = variantName == null ? Variant.GENERIC : Variant.parse(variantName);
            if (variant == null) {
                problems.add("variant", "'" + variantName + "' is not one of generic, sev, tdx");
            }
            long sde = root.has("sourceDateEpoch") ? longValue(root.get("sourceDateEpoch"), "sourceDateEpoch") : -1;
            if (sde < 0) {
                problems.add("sourceDateEpoch", "required: seconds since 1970 fixing every timestamp (e.g. 1735689600)");
            }
            String cache = text(root, "", "cacheDir", false);
            Path cacheDir = cache != null ? resolve(cache)
                    : Path.of(System.getProperty("user.home"), ".cache", "krunpack");

            JsonNode sources = root.path("sources");
            List<SourceSpec> kernel = new ArrayList<>();
            JsonNode ks = sources.path("kernel");
            if (ks.isMissingNode()) {
                problems.add("sources.kernel", "required: one or more kernel tarball candidates (path, url or maven, with sha512)");
            } else if (ks.isObject()) {
                kernel.add(source(ks, "sources.kernel", true));
            } else if (ks.isArray() && ks.size() > 0) {
                for (int i = 0; i < ks.size(); i++) {
                    kernel.add(source(ks.get(i), "sources.kernel[" + i + "]", true));
                }
            } else {
                problems.add("sources.kernel", "expected a candidate or a non-empty list of candidates");
            }
            SourceSpec release = sources.has("release") ? source(sources.get("release"), "sources.release", false) : null;
            List<Project.Repository> repos = new ArrayList<>();
            JsonNode rs = sources.path("repositories");
            for (int i = 0; i < rs.size(); i++) {
                String where = "sources.repositories[" + i + "]";
                String id = text(rs.get(i), where, "id", true);
                String url = text(rs.get(i), where, "url", true);
                URI u = url == null ? null : uri(url, where + ".url", false);
                if (id != null && u != null) {
                    repos.add(new Project.Repository(id, u));
                }
            }

            JsonNode p = root.path("patches");
            String series = text(p, "patches", "series", false);
            Path seriesPath = series == null ? null : existing(resolve(series), "patches.series", false);
            boolean patchesFromRelease = bool(p, "patches", "fromRelease", release != null);
            int fuzz = integer(p, "patches", "fuzz", 0, false);
            if (fuzz < 0 || fuzz > 3) {
                problems.add("patches.fuzz", "must be 0..3 (0, the default, allows offsets but no fuzz)");
            }
            if (patchesFromRelease && release == null) {
                problems.add("patches.fromRelease", "true, but sources.release is not set");
            }

            JsonNode c = root.path("config");
            List<Path> fragments = new ArrayList<>();
            JsonNode fr = c.path("fragments");
            for (int i = 0; i < fr.size(); i++) {
                String f = fr.get(i).asText();
                Path fp = existing(resolve(f), "config.fragments[" + i + "]", false);
                if (fp != null) {
                    fragments.add(fp);
                }
            }
            String full = text(c, "config", "full", false);
            Path fullPath = full == null ? null : existing(resolve(full), "config.full", false);
            boolean configFromRelease = bool(c, "config", "fromRelease", false);
            if (configFromRelease && release == null) {
                problems.add("config.fromRelease", "true, but sources.release is not set");
            }
            int modes = (fr.size() > 0 ? 1 : 0) + (full != null ? 1 : 0) + (configFromRelease ? 1 : 0);
            if (modes != 1) {
                problems.add("config", "set exactly one of: fragments (a list), full (a config file), fromRelease: true");
            }
            String features = text(c, "config", "features", false);
            Path featuresPath = features == null ? null : existing(resolve(features), "config.features", false);
            boolean strict = bool(c, "config", "strict", false);

            JsonNode b = root.path("build");
            int jobs = integer(b, "build", "jobs", 0, false);
            if (jobs < 0) {
                problems.add("build.jobs", "must be 0 (one per CPU) or more");
            }
            String ccache = b.has("ccache") ? b.get("ccache").asText() : "auto";
            if (!Set.of("auto", "on", "off").contains(ccache)) {
                problems.add("build.ccache", "'" + ccache + "' is not one of auto, on, off");
            }
            String user = b.has("user") ? b.get("user").asText() : "root";
            String host = b.has("host") ? b.get("host").asText() : "libkrunfw";

            problems.throwIfAny();
            return new Project(file, base, new Project.Libkrunfw(version, abi), kernelVersion, arch, variant, sde,
                    List.copyOf(kernel), release, List.copyOf(repos), cacheDir,
                    new Project.Patches(seriesPath, patchesFromRelease, fuzz),
                    new Project.Config(List.copyOf(fragments), fullPath, configFromRelease, strict, featuresPath),
                    new Project.Build(jobs, ccache, user, host), root);
        }

        private SourceSpec source(JsonNode n, String where, boolean digestRequired) {
            if (n == null || !n.isObject()) {
                problems.add(where, "expected a mapping with one of path, url, maven");
                return null;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("path", "url", "maven", "sha512", "name").contains(k)) {
                    problems.add(where + "." + k, "unknown key (known: path, url, maven, sha512, name)");
                }
            }
            String path = text(n, where, "path", false);
            String url = text(n, where, "url", false);
            String maven = text(n, where, "maven", false);
            int count = (path != null ? 1 : 0) + (url != null ? 1 : 0) + (maven != null ? 1 : 0);
            if (count != 1) {
                problems.add(where, "set exactly one of path, url, maven");
            }
            URI u = url == null ? null : uri(url, where + ".url", true);
            if (maven != null && !MAVEN.matcher(maven).matches()) {
                problems.add(where + ".maven", "'" + maven + "' is not group:artifact[:extension[:classifier]]:version");
            }
            String sha = text(n, where, "sha512", false);
            Path p = path == null ? null : resolve(path);
            boolean isDir = p != null && Files.isDirectory(p);
            if (sha == null) {
                if (digestRequired || !isDir) {
                    problems.add(where + ".sha512", "required: the SHA-512 of the file (sha512sum FILE)");
                }
            } else if (!SHA512.matcher(sha).matches()) {
                problems.add(where + ".sha512", "must be 128 lower-case hex digits (sha512sum FILE)");
            }
            String name = text(n, where, "name", false);
            return new SourceSpec(where, name, p, u, maven, sha);
        }

        private URI uri(String s, String where, boolean httpsOnly) {
            try {
                URI u = new URI(s);
                String scheme = u.getScheme();
                boolean loopback = "http".equals(scheme) && u.getHost() != null
                        && (u.getHost().equals("127.0.0.1") || u.getHost().equals("localhost"));
                if (!"https".equals(scheme) && !(loopback || (!httpsOnly && "http".equals(scheme)))
                        && !"file".equals(scheme)) {
                    problems.add(where, "'" + s + "' must be an https URL");
                    return null;
                }
                return u;
            } catch (URISyntaxException e) {
                problems.add(where, "'" + s + "' is not a URL: " + e.getReason());
                return null;
            }
        }

        private Path resolve(String s) {
            if (s.startsWith("~/")) {
                return Path.of(System.getProperty("user.home")).resolve(s.substring(2)).normalize();
            }
            return base.resolve(s).normalize();
        }

        private Path existing(Path p, String where, boolean dir) {
            if (!Files.exists(p)) {
                problems.add(where, p + " does not exist");
                return null;
            }
            return p;
        }

        private String text(JsonNode parent, String parentPath, String key, boolean required) {
            JsonNode n = parent == null ? MissingNode.getInstance() : parent.path(key);
            String where = parentPath.isEmpty() ? key : parentPath + "." + key;
            if (n.isMissingNode() || n.isNull()) {
                if (required) {
                    problems.add(where, "required");
                }
                return null;
            }
            if (!n.isValueNode()) {
                problems.add(where, "expected a single value");
                return null;
            }
            String s = n.asText();
            if (s.isBlank()) {
                problems.add(where, "must not be empty");
                return null;
            }
            return s;
        }

        private int integer(JsonNode parent, String parentPath, String key, int dflt, boolean required) {
            JsonNode n = parent.path(key);
            if (n.isMissingNode()) {
                if (required) {
                    problems.add(parentPath + "." + key, "required");
                }
                return dflt;
            }
            if (!n.canConvertToInt() || !(n.isIntegralNumber() || n.asText().matches("-?[0-9]+"))) {
                problems.add(parentPath + "." + key, "'" + n.asText() + "' is not a whole number");
                return dflt;
            }
            return n.isIntegralNumber() ? n.asInt() : Integer.parseInt(n.asText());
        }

        private long longValue(JsonNode n, String where) {
            if (n.isIntegralNumber() || n.asText().matches("[0-9]+")) {
                return Long.parseLong(n.asText());
            }
            problems.add(where, "'" + n.asText() + "' is not a whole number of seconds");
            return 0;
        }

        private boolean bool(JsonNode parent, String parentPath, String key, boolean dflt) {
            JsonNode n = parent.path(key);
            if (n.isMissingNode()) {
                return dflt;
            }
            if (!n.isBoolean()) {
                problems.add(parentPath + "." + key, "'" + n.asText() + "' is not true or false");
                return dflt;
            }
            return n.asBoolean();
        }
    }
}
