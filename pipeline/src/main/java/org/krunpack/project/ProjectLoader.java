package org.krunpack.project;

import org.krunpack.archive.ExtractLimits;
import org.krunpack.core.Inputs;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.yaml.YamlDoc;
import org.krunpack.core.yaml.YamlNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code krunpack.yaml} with the strict reader: every problem (a wrong value,
 * a misspelled or repeated key at any depth) is collected with its path and line and reported at
 * once (exit code 2) before anything runs.
 */
public final class ProjectLoader {
    private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern MAVEN = Pattern.compile("[^:\\s]+:[^:\\s]+(:[^:\\s]+){1,3}");
    private static final Pattern PATCH_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*\\.patch");
    private static final Pattern CROSS = Pattern.compile("[A-Za-z0-9_.+-]*-");

    private ProjectLoader() {
    }

    public static Project load(Path file) {
        if (!Files.exists(file)) {
            throw KrunpackException.usage(file + ": project file not found (pass -c FILE, or run from the"
                    + " directory holding krunpack.yaml)");
        }
        YamlDoc doc = YamlDoc.read(file);
        return new Reader(file, doc).read();
    }

    private static final class Reader {
        private final Path file;
        private final Path base;
        private final YamlDoc doc;

        Reader(Path file, YamlDoc doc) {
            this.file = file.toAbsolutePath().normalize();
            this.base = this.file.getParent();
            this.doc = doc;
        }

        Project read() {
            YamlNode root = doc.root();
            if (!root.isMap()) {
                throw KrunpackException.usage(file + ": expected a YAML mapping at the top level (libkrunfw:,"
                        + " sources:, ...); see docs/user-guide.md");
            }
            YamlNode lk = root.get("libkrunfw").requireMap();
            YamlNode versionNode = lk.get("version");
            String version = versionNode.requiredString();
            if (version != null && !VERSION.matcher(version).matches()) {
                versionNode.problem("'" + version + "' is not a version like 5.5.0");
            }
            YamlNode abiNode = lk.get("abi");
            int abi = abiNode.isNull() ? -1 : abiNode.integer(-1, 0, 1000);
            if (abiNode.isNull()) {
                abiNode.problem("required");
            }
            if (version != null && abi >= 0 && !version.startsWith(abi + ".")) {
                abiNode.problem("ABI " + abi + " does not match version " + version
                        + " (libkrunfw's ABI is the major version)");
            }
            YamlNode kv = root.get("kernel").get("version");
            String kernelVersion = kv.string();
            if (kernelVersion != null && !VERSION.matcher(kernelVersion).matches()) {
                kv.problem("'" + kernelVersion + "' is not a version like 6.12.117");
                kernelVersion = null;
            }
            String archName = root.get("arch").oneOf("x86_64", List.of("x86_64", "aarch64", "riscv64"));
            Arch arch = Arch.parse(archName);
            String variantName = root.get("variant").oneOf("generic", List.of("generic", "sev", "tdx"));
            Variant variant = Variant.parse(variantName);
            if (variant != null && variant != Variant.GENERIC && arch != null && arch != Arch.X86_64) {
                // SEV and TDX are AMD and Intel technologies: upstream has variant configs for x86_64 only
                root.get("variant").problem("'" + variantName + "' exists for x86_64 only (SEV and TDX are x86"
                        + " confidential-computing technologies; the release has no " + variantName + " config for "
                        + archName + "): set variant: generic, or arch: x86_64");
            }
            YamlNode sdeNode = root.get("sourceDateEpoch");
            long sde = sdeNode.isNull() ? -1 : sdeNode.longValue(-1, 0, Long.MAX_VALUE / 1000);
            if (sdeNode.isNull()) {
                sdeNode.problem("required: seconds since 1970 fixing every timestamp (e.g. 1735689600)");
            }
            Path cacheDir = root.get("cacheDir").path(base);
            if (cacheDir == null) {
                cacheDir = Path.of(System.getProperty("user.home"), ".cache", "krunpack");
            }

            YamlNode sources = root.get("sources").requireMap();
            List<SourceSpec> kernel = new ArrayList<>();
            YamlNode ks = sources.get("kernel");
            if (!ks.exists()) {
                ks.problem("required: one or more kernel tarball candidates (path, url or maven, with sha512)");
            } else {
                List<YamlNode> candidates = ks.listOrOne();
                if (candidates.isEmpty()) {
                    ks.problem("expected a candidate or a non-empty list of candidates");
                }
                for (YamlNode c : candidates) {
                    SourceSpec s = source(c, true);
                    if (s != null) {
                        kernel.add(s);
                    }
                }
            }
            List<SourceSpec> releases = new ArrayList<>();
            for (YamlNode c : sources.get("release").listOrOne()) {
                SourceSpec s = source(c, false);
                if (s != null) {
                    releases.add(s);
                }
            }
            SourceSpec release = releases.isEmpty() ? null : releases.get(0);
            List<Project.Repository> repos = new ArrayList<>();
            for (YamlNode r : sources.get("repositories").list()) {
                String id = r.get("id").requiredString();
                YamlNode urlNode = r.get("url");
                String url = urlNode.requiredString();
                URI u = url == null ? null : uri(urlNode, url, false);
                if (id != null && u != null) {
                    repos.add(new Project.Repository(id, u));
                }
            }
            ExtractLimits limits = limits(sources.get("limits"));

            YamlNode p = root.get("patches");
            Path seriesPath = regularFile(p.get("series"));
            boolean patchesFromRelease = p.get("fromRelease").bool(release != null);
            int fuzz = p.get("fuzz").integer(0, 0, 3);
            if (patchesFromRelease && release == null) {
                p.get("fromRelease").problem("true, but sources.release is not set");
            }
            List<Project.PatchDecision> decisions = decisions(p.get("release"), patchesFromRelease);

            YamlNode c = root.get("config");
            List<Path> fragments = new ArrayList<>();
            YamlNode fr = c.get("fragments");
            for (YamlNode f : fr.list()) {
                Path fp = regularFile(f);
                if (fp != null) {
                    fragments.add(fp);
                }
            }
            YamlNode fullNode = c.get("full");
            Path fullPath = regularFile(fullNode);
            YamlNode fromRel = c.get("fromRelease");
            boolean configFromRelease = fromRel.bool(false);
            if (configFromRelease && release == null) {
                fromRel.problem("true, but sources.release is not set");
            }
            int modes = (fr.exists() ? 1 : 0) + (fullNode.exists() ? 1 : 0) + (configFromRelease ? 1 : 0);
            if (modes != 1) {
                c.problem("set exactly one of: fragments (a list), full (a config file), fromRelease: true");
            }
            if (fr.exists() && fr.list().isEmpty()) {
                fr.problem("must list at least one fragment");
            }
            Path featuresPath = regularFile(c.get("features"));
            boolean strict = c.get("strict").bool(false);
            Map<String, String> exempt = exemptions(c.get("exempt"));
            if (c.get("exempt").exists() && fr.exists()) {
                c.get("exempt").problem("is for a full or the release's config; in a fragment, put"
                        + " '# krunpack-exempt: <reason>' above the option instead");
            }

            YamlNode b = root.get("build");
            int jobs = b.get("jobs").integer(0, 0, 4096);
            String ccache = b.get("ccache").oneOf("auto", List.of("auto", "on", "off"));
            String user = b.get("user").string("root");
            String host = b.get("host").string("libkrunfw");
            YamlNode cc = b.get("crossCompile");
            String cross = cc.string();
            if (cross != null && !CROSS.matcher(cross).matches()) {
                cc.problem("'" + cross + "' is not a CROSS_COMPILE prefix like aarch64-linux-gnu-");
                cross = null;
            }

            Project.Cache cache = null;
            YamlNode cn = root.get("cache");
            if (cn.exists()) {
                YamlNode repoNode = cn.get("repository");
                String repo = repoNode.requiredString();
                URI u = repo == null ? null : repository(repoNode, repo);
                String serverId = cn.get("serverId").string();
                if (u != null) {
                    cache = new Project.Cache(u, serverId);
                }
            }

            PackagingConfig packaging = PackagingConfig.from(root.get("packaging"), base);
            YamlNode copr = root.get("copr");
            CoprSettings coprSettings = copr.exists() ? CoprSettings.from(copr, base) : null;

            doc.finish();
            return new Project(file, base, new Project.Libkrunfw(version, abi), kernelVersion, arch, variant, sde,
                    List.copyOf(kernel), List.copyOf(releases), List.copyOf(repos), cacheDir, limits,
                    new Project.Patches(seriesPath, patchesFromRelease, fuzz, decisions),
                    new Project.Config(List.copyOf(fragments), fullPath, configFromRelease, strict, featuresPath,
                            exempt),
                    new Project.Build(jobs, ccache, user, host, cross), cache, packaging, coprSettings);
        }

        /** config.exempt: [{option: CONFIG_X, reason: ...}] → X → reason. */
        private Map<String, String> exemptions(YamlNode list) {
            Map<String, String> out = new LinkedHashMap<>();
            for (YamlNode e : list.list()) {
                YamlNode o = e.get("option");
                String option = o.requiredString();
                String reason = e.get("reason").requiredString();
                if (option == null || reason == null) {
                    continue;
                }
                String symbol = option.startsWith("CONFIG_") ? option.substring(7) : option;
                if (!symbol.matches("[A-Za-z0-9_]+")) {
                    o.problem("'" + option + "' is not a Kconfig option name like CONFIG_MEMCG_KMEM");
                } else if (reason.isBlank()) {
                    e.get("reason").problem("must say why the difference is accepted");
                } else if (out.putIfAbsent(symbol, reason.strip()) != null) {
                    o.problem("CONFIG_" + symbol + " is exempted twice: keep one entry");
                }
            }
            return out;
        }

        private ExtractLimits limits(YamlNode n) {
            ExtractLimits d = ExtractLimits.DEFAULTS;
            if (!n.exists()) {
                return d;
            }
            return new ExtractLimits(
                    n.get("totalBytes").longValue(d.totalBytes(), 1, Long.MAX_VALUE),
                    n.get("entries").longValue(d.entries(), 1, Long.MAX_VALUE),
                    n.get("entryBytes").longValue(d.entryBytes(), 1, Long.MAX_VALUE),
                    n.get("pathLength").integer(d.pathLength(), 16, 65536),
                    n.get("depth").integer(d.depth(), 2, 4096));
        }

        private List<Project.PatchDecision> decisions(YamlNode list, boolean fromRelease) {
            List<Project.PatchDecision> out = new ArrayList<>();
            if (list.exists() && !fromRelease) {
                list.problem("decisions for the release's patches, but patches.fromRelease is false");
            }
            Set<String> seen = new HashSet<>();
            for (YamlNode d : list.list()) {
                YamlNode pn = d.get("patch");
                String patch = pn.requiredString();
                if (patch != null && !PATCH_NAME.matcher(patch).matches()) {
                    pn.problem("'" + patch + "' is not a patch file name of the release (like"
                            + " 0008-virtio-vsock-support-dgrams.patch)");
                    patch = null;
                } else if (patch != null && !seen.add(patch)) {
                    pn.problem(patch + " has a decision already: one entry per patch");
                }
                YamlNode ex = d.get("exclude");
                YamlNode rep = d.get("replace");
                YamlNode fz = d.get("fuzz");
                YamlNode sha = d.get("sha512");
                YamlNode why = d.get("reason");
                String reason = why.string();
                if (reason == null || reason.isBlank()) {
                    why.problem("required: say why (it is shown in the patch report, the JSON and the spec)");
                }
                int actions = (ex.exists() ? 1 : 0) + (rep.exists() ? 1 : 0) + (fz.exists() ? 1 : 0);
                if (actions != 1) {
                    d.problem("set exactly one of: exclude: true, replace: FILE, fuzz: N");
                    continue;
                }
                Project.PatchDecision.Action action;
                Path replacement = null;
                int fuzz = 0;
                if (ex.exists()) {
                    action = Project.PatchDecision.Action.EXCLUDE;
                    if (!ex.bool(true)) {
                        ex.problem("only 'exclude: true' makes sense; remove the entry to keep the patch");
                    }
                } else if (rep.exists()) {
                    action = Project.PatchDecision.Action.REPLACE;
                    replacement = regularFile(rep);
                } else {
                    action = Project.PatchDecision.Action.FUZZ;
                    fuzz = fz.integer(0, 0, 3);
                }
                String digest = sha.string();
                if (digest != null && !SHA512.matcher(digest).matches()) {
                    sha.problem("must be 128 lower-case hex digits (sha512sum FILE)");
                } else if (digest != null && action != Project.PatchDecision.Action.REPLACE) {
                    sha.problem("only a replacement has a digest");
                }
                if (patch != null && reason != null && !reason.isBlank()) {
                    out.add(new Project.PatchDecision(d.path(), patch, action, replacement, digest, fuzz,
                            reason.strip()));
                }
            }
            return List.copyOf(out);
        }

        /** A value for a message: control characters escaped (a newline must not forge a line). */
        private static String printable(String s) {
            StringBuilder sb = new StringBuilder();
            for (char c : s.toCharArray()) {
                sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
            return sb.toString();
        }

        private SourceSpec source(YamlNode n, boolean digestRequired) {
            if (!n.isMap()) {
                n.problem("expected a mapping with one of path, url, maven");
                return null;
            }
            String path = n.get("path").string();
            YamlNode urlNode = n.get("url");
            String url = urlNode.string();
            YamlNode mavenNode = n.get("maven");
            String maven = mavenNode.string();
            int count = (path != null ? 1 : 0) + (url != null ? 1 : 0) + (maven != null ? 1 : 0);
            if (count != 1) {
                n.problem("set exactly one of path, url, maven");
            }
            URI u = url == null ? null : uri(urlNode, url, true);
            if (maven != null && !MAVEN.matcher(maven).matches()) {
                mavenNode.problem("'" + maven + "' is not group:artifact[:extension[:classifier]]:version");
            }
            YamlNode shaNode = n.get("sha512");
            String sha = shaNode.string();
            Path p = path == null ? null : n.get("path").path(base);
            boolean isDir = p != null && Files.isDirectory(p);
            if (sha == null) {
                if (digestRequired || !isDir) {
                    shaNode.problem("required: the SHA-512 of the file (sha512sum FILE)");
                }
            } else if (!SHA512.matcher(sha).matches()) {
                shaNode.problem("must be 128 lower-case hex digits (sha512sum FILE)");
            }
            YamlNode nameNode = n.get("name");
            String name = nameNode.string();
            if (name != null && !SourceSpec.validFileName(name)) {
                nameNode.problem("'" + printable(name) + "' is not a plain file name (no '/', no"
                        + " control characters, not '.' or '..')");
                name = null;
            } else if (name == null && p != null && p.getFileName() == null) {
                n.get("path").problem("'" + p + "' has no file name: name the tarball (or the release's directory)");
                return null;
            } else if (name == null && count == 1 && (u != null || p != null)) {
                // The name derived from the path or URL (decoded: %0A is a newline) must be one too.
                Path last = p != null ? p.getFileName() : null;
                String derived = p != null ? (last == null ? "" : last.toString())
                        : u.getPath() == null ? "" : u.getPath().substring(u.getPath().lastIndexOf('/') + 1);
                if (!SourceSpec.validFileName(derived) && !(p != null && isDir)) {
                    (u != null ? urlNode : n.get("path")).problem("gives the file name '" + printable(derived)
                            + "', not a plain file name (no '/', no control characters, not '.' or '..'): add"
                            + " name: FILE");
                    return null;
                }
            }
            return new SourceSpec(n.path(), name, p, u, maven, sha);
        }

        private URI uri(YamlNode at, String s, boolean httpsOnly) {
            try {
                URI u = new URI(s);
                String scheme = u.getScheme();
                boolean loopback = "http".equals(scheme) && u.getHost() != null
                        && (u.getHost().equals("127.0.0.1") || u.getHost().equals("localhost"));
                if (!"https".equals(scheme) && !(loopback || (!httpsOnly && "http".equals(scheme)))
                        && !"file".equals(scheme)) {
                    at.problem("'" + s + "' must be an https URL");
                    return null;
                }
                return u;
            } catch (URISyntaxException e) {
                at.problem("'" + s + "' is not a URL: " + e.getReason());
                return null;
            }
        }

        /** A cache repository: an https URL, http on loopback, a file: URL or a directory path. */
        private URI repository(YamlNode at, String s) {
            if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                return uri(at, s, true);
            }
            Path p = at.path(base);
            return p == null ? null : p.toUri();
        }

        /** A path that must name a regular file (when given). */
        private Path regularFile(YamlNode n) {
            Path p = n.path(base);
            if (p == null) {
                return null;
            }
            String problem = Inputs.regularFileProblem(p);
            if (problem != null) {
                n.problem(problem);
                return null;
            }
            return p;
        }
    }
}
