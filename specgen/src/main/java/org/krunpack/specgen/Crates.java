package org.krunpack.specgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Rust release's crates, read from its Cargo.lock and its workspace members' Cargo.toml (the
 * small subset of TOML those files use: section headers, {@code key = "value"}, inline tables),
 * and what a spec says about them: rust2rpm-style crate BuildRequires (Fedora's crate packages)
 * or {@code bundled(crate(NAME)) = VERSION} Provides (a vendored build). Generated from the
 * release, never hand-listed; {@link #check} compares the model's crate list against the lock.
 */
public final class Crates {
    private static final Pattern KV = Pattern.compile("^([A-Za-z0-9_-]+)\\s*=\\s*(.+)$");
    private static final Pattern STR = Pattern.compile("^\"([^\"]*)\"");
    private static final Pattern INLINE_STR = Pattern.compile("\\b([a-z-]+)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern INLINE_BOOL = Pattern.compile("\\b([a-z-]+)\\s*=\\s*(true|false)");
    private static final Pattern INLINE_LIST = Pattern.compile("\\bfeatures\\s*=\\s*\\[([^]]*)]");
    private static final String REGISTRY = "registry+";

    private Crates() {
    }

    /** A package of Cargo.lock; {@code source} is empty for the workspace's own crates. */
    public record Locked(String name, String version, String source) {
        public boolean fromRegistry() {
            return source.startsWith(REGISTRY);
        }
    }

    /**
     * A dependency a workspace member declares.
     *
     * @param name     the crate's name on crates.io (the {@code package =} rename resolved)
     * @param req      the version requirement as written ("0.11", ">=0.2.39", "=1.0")
     * @param features features asked for
     * @param defaults whether default features are on
     * @param optional behind one of the member's features
     * @param path     a path dependency (a crate of the workspace itself)
     */
    public record Dependency(String name, String req, List<String> features, boolean defaults, boolean optional,
                             boolean path) {
    }

    /** The packages of a Cargo.lock, in file order. */
    public static List<Locked> parseLock(String text) {
        List<Locked> out = new ArrayList<>();
        Map<String, String> cur = null;
        for (String raw : (text + "\n[[end]]").lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                if (cur != null && cur.containsKey("name")) {
                    out.add(new Locked(cur.get("name"), cur.getOrDefault("version", ""), cur.getOrDefault("source", "")));
                }
                cur = line.equals("[[package]]") ? new LinkedHashMap<>() : null;
                continue;
            }
            Matcher m = KV.matcher(line);
            if (cur != null && m.matches()) {
                Matcher s = STR.matcher(m.group(2));
                if (s.find()) {
                    cur.put(m.group(1), s.group(1));
                }
            }
        }
        return out;
    }

    /**
     * The dependencies a Cargo.toml declares for Linux builds: {@code [dependencies]} and the
     * {@code [target.'cfg(...)'.dependencies]} sections whose condition can hold on Linux
     * (not macOS- or Windows-only); build-dependencies count (the build needs them),
     * dev-dependencies do not (tests are off).
     */
    public static List<Dependency> parseManifest(String text) {
        List<Dependency> out = new ArrayList<>();
        boolean in = false;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                in = line.equals("[dependencies]") || line.equals("[build-dependencies]")
                        || (line.startsWith("[target.") && line.endsWith(".dependencies]")
                        && !line.contains("macos") && !line.contains("windows"));
                continue;
            }
            Matcher m = KV.matcher(line);
            if (!in || !m.matches()) {
                continue;
            }
            String key = m.group(1);
            String value = m.group(2).strip();
            Matcher s = STR.matcher(value);
            if (s.find()) {
                out.add(new Dependency(key, s.group(1), List.of(), true, false, false));
                continue;
            }
            Map<String, String> strs = new LinkedHashMap<>();
            Matcher is = INLINE_STR.matcher(value);
            while (is.find()) {
                strs.put(is.group(1), is.group(2));
            }
            Map<String, Boolean> bools = new LinkedHashMap<>();
            Matcher ib = INLINE_BOOL.matcher(value);
            while (ib.find()) {
                bools.put(ib.group(1), Boolean.parseBoolean(ib.group(2)));
            }
            List<String> features = new ArrayList<>();
            Matcher il = INLINE_LIST.matcher(value);
            if (il.find()) {
                Matcher f = Pattern.compile("\"([^\"]+)\"").matcher(il.group(1));
                while (f.find()) {
                    features.add(f.group(1));
                }
            }
            out.add(new Dependency(strs.getOrDefault("package", key), strs.getOrDefault("version", ""), features,
                    bools.getOrDefault("default-features", true), bools.getOrDefault("optional", false),
                    strs.containsKey("path") || strs.containsKey("git")));
        }
        return out;
    }

    /**
     * rust2rpm-style BuildRequires for the registry dependencies of the given manifests: one line
     * per crate, feature and requirement, {@code crate(NAME/FEATURE) >= V} alone for a bare
     * {@code >=} requirement, else the caret range {@code (crate(N/F) >= V with crate(N/F) < NEXT~)}.
     * Sorted, without repeats.
     */
    public static List<String> buildRequires(List<Dependency> deps) {
        Set<String> out = new TreeSet<>();
        for (Dependency d : deps) {
            if (d.path()) {
                continue;
            }
            Set<String> features = new LinkedHashSet<>();
            if (d.defaults()) {
                features.add("default");
            }
            features.addAll(d.features());
            for (String f : features) {
                out.add(requirement(d.name() + "/" + f, d.req()));
            }
        }
        return List.copyOf(out);
    }

    static String requirement(String capability, String req) {
        String c = "crate(" + capability + ")";
        String r = req.strip();
        if (r.startsWith(">=")) {
            return c + " >= " + full(r.substring(2).strip());
        }
        if (r.startsWith("=")) {
            return c + " = " + full(r.substring(1).strip());
        }
        String v = r.startsWith("^") ? r.substring(1).strip() : r;
        return "(" + c + " >= " + full(v) + " with " + c + " < " + caretNext(v) + "~)";
    }

    /** "0.11" → "0.11.0". */
    static String full(String v) {
        String[] p = v.split("\\.");
        return p.length == 1 ? v + ".0.0" : p.length == 2 ? v + ".0" : v;
    }

    /** The first version a caret requirement excludes: 1.2.3 → 2.0.0, 0.11 → 0.12.0, 0.0.3 → 0.0.4. */
    static String caretNext(String v) {
        String[] p = full(v).split("\\.");
        int major = Integer.parseInt(p[0]);
        int minor = Integer.parseInt(p[1]);
        int patch = Integer.parseInt(p[2].replaceAll("[^0-9].*$", ""));
        if (major > 0) {
            return (major + 1) + ".0.0";
        }
        if (minor > 0) {
            return "0." + (minor + 1) + ".0";
        }
        return "0.0." + (patch + 1);
    }

    /** {@code bundled(crate(NAME)) = VERSION} for every registry crate of the lock, sorted. */
    public static List<String> bundledProvides(List<Locked> lock) {
        Set<String> out = new TreeSet<>();
        for (Locked l : lock) {
            if (l.fromRegistry()) {
                out.add("bundled(crate(" + l.name() + ")) = " + l.version());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Problems with the model's crate list against the release's lock, each naming the field:
     * a crate the lock does not have, or has at another version.
     */
    public static List<String> check(String at, List<PackageModel.Crate> model, List<Locked> lock) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            PackageModel.Crate c = model.get(i);
            List<String> versions = lock.stream().filter(l -> l.name().equals(c.name()) && l.fromRegistry())
                    .map(Locked::version).toList();
            String w = at + ".crates[" + i + "]";
            if (versions.isEmpty()) {
                problems.add(w + ".name: '" + c.name() + "' is not a crate of the release's Cargo.lock:"
                        + " remove it, or regenerate the list from the release");
            } else if (!versions.contains(c.version())) {
                problems.add(w + ".version: " + c.name() + " " + c.version() + ", but the release's Cargo.lock has "
                        + String.join(", ", versions) + ": regenerate the list from the release");
            }
        }
        return problems;
    }
}
