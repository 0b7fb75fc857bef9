package org.krunpack.specgen;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
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
                             boolean path, String key) {
        public Dependency(String name, String req, List<String> features, boolean defaults, boolean optional,
                          boolean path) {
            this(name, req, features, defaults, optional, path, name);
        }
    }

    /** A workspace member: its package name, its {@code [features]} and the dependencies it declares for Linux. */
    public record Member(String name, Map<String, List<String>> features, List<Dependency> dependencies) {
        public static Member parse(String text) {
            Manifest m = parsePackage(text);
            return m == null ? null : new Member(m.name(), parseFeatures(text), parseManifest(text));
        }
    }

    /** The {@code [package]} table of a Cargo.toml: name, version and licence ("" when absent). */
    public record Manifest(String name, String version, String license) {
    }

    /**
     * The {@code [package]} name, version and licence of a Cargo.toml (as cargo writes a vendored
     * crate's, or as a release's members have them); {@code null} without a {@code [package]} name.
     * A {@code license-file} without {@code license} leaves the licence unknown ("").
     */
    public static Manifest parsePackage(String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        boolean in = false;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                in = line.equals("[package]");
                continue;
            }
            Matcher m = KV.matcher(line);
            if (in && m.matches()) {
                Matcher s = STR.matcher(m.group(2).strip());
                if (s.find()) {
                    kv.putIfAbsent(m.group(1), s.group(1));
                }
            }
        }
        String name = kv.get("name");
        return name == null ? null : new Manifest(name, kv.getOrDefault("version", ""), kv.getOrDefault("license", "")
                .replace("/", " OR ").strip());
    }

    /**
     * The crate list of a generated crates file: every registry crate of the lock at its locked
     * version, sorted by name and version, each with its licence from {@code licenses}
     * ({@code name version} → SPDX) or "" when not known.
     */
    public static List<PackageModel.Crate> lockedCrates(List<Locked> lock, Map<String, String> licenses) {
        Set<String> seen = new TreeSet<>();
        List<PackageModel.Crate> out = new ArrayList<>();
        for (Locked l : lock) {
            if (l.fromRegistry() && seen.add(l.name() + " " + l.version())) {
                out.add(new PackageModel.Crate(l.name(), rpmVersion(l.version()),
                        licenses.getOrDefault(l.name() + " " + l.version(), "")));
            }
        }
        out.sort((a, b) -> a.name().equals(b.name()) ? a.version().compareTo(b.version()) : a.name().compareTo(b.name()));
        return out;
    }

    /**
     * A SemVer version as RPM writes it (as rust2rpm does): a pre-release {@code -rc.1} becomes
     * {@code ~rc.1} (sorts before the release), and every other '-' (inside pre-release or build
     * metadata, {@code 1.0.2+wasi-0.2.9}) becomes '_', since RPM versions cannot hold '-'.
     */
    public static String rpmVersion(String semver) {
        int plus = semver.indexOf('+');
        String main = plus < 0 ? semver : semver.substring(0, plus);
        String build = plus < 0 ? "" : semver.substring(plus);
        int dash = main.indexOf('-');
        if (dash >= 0) {
            main = main.substring(0, dash) + "~" + main.substring(dash + 1).replace('-', '_');
        }
        return main + build.replace('-', '_');
    }

    /** The {@code [features]} table of a Cargo.toml: feature → what it enables, in file order. */
    public static Map<String, List<String>> parseFeatures(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean in = false;
        String pending = null;
        StringBuilder value = new StringBuilder();
        for (String raw : text.lines().toList()) {
            String line = raw.replaceAll("#.*$", "").strip();
            if (pending != null) {
                value.append(' ').append(line);
                if (line.contains("]")) {
                    out.put(pending, strings(value.toString()));
                    pending = null;
                }
                continue;
            }
            if (line.startsWith("[")) {
                in = line.equals("[features]");
                continue;
            }
            Matcher m = FEATURE_KV.matcher(line);
            if (in && m.matches()) {
                String v = m.group(2).strip();
                if (v.startsWith("[") && !v.contains("]")) {
                    pending = m.group(1);
                    value.setLength(0);
                    value.append(v);
                } else {
                    out.put(m.group(1), strings(v));
                }
            }
        }
        return out;
    }

    private static final Pattern MAKE_IFEQ = Pattern.compile("^ifeq\\s*\\(\\s*\\$\\(([A-Za-z0-9_]+)\\)\\s*,\\s*1\\s*\\)$");
    private static final Pattern MAKE_FEATURES = Pattern.compile("^FEATURE_FLAGS\\s*(?::=|\\+=|=)(.*)$");
    private static final Pattern MAKE_FEATURE_ARG = Pattern.compile("--features[= ]\\s*([A-Za-z0-9_,/-]+)");

    /**
     * The cargo features a release's Makefile turns on for each {@code make VAR=1}: the
     * {@code --features} of the {@code FEATURE_FLAGS} lines inside {@code ifeq ($(VAR),1)}
     * (libkrun: {@code SEV} → {@code amd-sev}, {@code GPU} → {@code gpu}). Text only: nothing of
     * the Makefile runs. Lines outside such a block, and blocks naming no feature, give nothing.
     */
    public static Map<String, List<String>> makeFeatures(String makefile) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        ArrayDeque<String> open = new ArrayDeque<>(); // "" for a conditional that is not ifeq ($(VAR),1)
        for (String raw : makefile.lines().toList()) {
            String line = raw.replaceAll("#.*$", "").strip();
            Matcher ifeq = MAKE_IFEQ.matcher(line);
            if (ifeq.matches()) {
                open.push(ifeq.group(1));
            } else if (line.matches("^if(n?eq|n?def)\\b.*")) {
                open.push("");
            } else if (line.equals("endif") || line.startsWith("endif ")) {
                open.poll();
            } else if (!open.isEmpty() && !open.peek().isEmpty()) {
                Matcher flags = MAKE_FEATURES.matcher(line);
                if (flags.matches()) {
                    Matcher f = MAKE_FEATURE_ARG.matcher(flags.group(1));
                    while (f.find()) {
                        for (String name : f.group(1).split(",")) {
                            if (!name.isEmpty()) {
                                out.computeIfAbsent(open.peek(), k -> new ArrayList<>()).add(name);
                            }
                        }
                    }
                }
            }
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }

    private static List<String> strings(String list) {
        List<String> out = new ArrayList<>();
        Matcher f = Pattern.compile("\"([^\"]+)\"").matcher(list);
        while (f.find()) {
            out.add(f.group(1));
        }
        return out;
    }

    /**
     * The crate BuildRequires of a build of workspace member {@code root} with {@code features} on:
     * the registry dependencies of {@code root} and of the path crates it pulls in, optional ones
     * only when an enabled feature turns them on ({@code dep:x}, {@code x}, {@code x/feat}), each
     * with the features asked of it. Members the build does not reach (tests, a Nitro-only crate)
     * add nothing. rust2rpm-style lines, sorted, the looser of two ranges dropped.
     */
    public static List<String> buildRequires(List<Member> members, String root, Collection<String> features) {
        Map<String, Member> byName = new LinkedHashMap<>();
        members.forEach(m -> byName.putIfAbsent(m.name(), m));
        Set<String> reached = new LinkedHashSet<>();          // members in the build
        Set<String> enabled = new LinkedHashSet<>();          // "member feature"
        Set<String> optionalOn = new LinkedHashSet<>();       // "member key"
        Map<String, Set<String>> askedFeatures = new LinkedHashMap<>(); // "member key" -> features asked of it
        ArrayDeque<String[]> queue = new ArrayDeque<>();
        if (!byName.containsKey(root)) {
            return List.of();
        }
        reach(byName, root, reached, queue);
        for (String f : features) {
            queue.add(new String[]{root, f});
        }
        while (!queue.isEmpty()) {
            String[] item = queue.poll();
            Member m = byName.get(item[0]);
            if (m == null || !enabled.add(item[0] + " " + item[1])) {
                continue;
            }
            for (String e : m.features().getOrDefault(item[1], List.of())) {
                if (e.startsWith("dep:")) {
                    turnOn(byName, m, e.substring(4), optionalOn, reached, queue);
                    continue;
                }
                int slash = e.indexOf('/');
                if (slash > 0) {
                    boolean weak = e.charAt(slash - 1) == '?';
                    String key = e.substring(0, weak ? slash - 1 : slash);
                    String feat = e.substring(slash + 1);
                    Dependency d = dep(m, key);
                    if (d == null) {
                        continue;
                    }
                    if (!weak) {
                        turnOn(byName, m, key, optionalOn, reached, queue);
                    }
                    if (d.path()) {
                        queue.add(new String[]{d.name(), feat});
                    } else {
                        askedFeatures.computeIfAbsent(m.name() + " " + key, k -> new LinkedHashSet<>()).add(feat);
                    }
                    continue;
                }
                if (m.features().containsKey(e)) {
                    queue.add(new String[]{m.name(), e});
                } else {
                    turnOn(byName, m, e, optionalOn, reached, queue);
                }
            }
        }
        List<Dependency> deps = new ArrayList<>();
        for (String r : reached) {
            Member m = byName.get(r);
            for (Dependency d : m.dependencies()) {
                if (d.path() || (d.optional() && !optionalOn.contains(r + " " + d.key()))) {
                    continue;
                }
                List<String> fs = new ArrayList<>(d.features());
                fs.addAll(askedFeatures.getOrDefault(r + " " + d.key(), Set.of()));
                deps.add(new Dependency(d.name(), d.req(), fs, d.defaults(), d.optional(), false, d.key()));
            }
        }
        return buildRequires(deps);
    }

    private static Dependency dep(Member m, String key) {
        return m.dependencies().stream().filter(d -> d.key().equals(key)).findFirst().orElse(null);
    }

    private static void turnOn(Map<String, Member> byName, Member m, String key, Set<String> optionalOn,
                               Set<String> reached, ArrayDeque<String[]> queue) {
        Dependency d = dep(m, key);
        if (d == null) {
            return;
        }
        optionalOn.add(m.name() + " " + key);
        if (d.path()) {
            reach(byName, d.name(), reached, queue);
            for (String f : d.features()) {
                queue.add(new String[]{d.name(), f});
            }
        }
    }

    /** {@code name} and the path crates it needs (non-optional ones), with the features asked of them. */
    private static void reach(Map<String, Member> byName, String name, Set<String> reached, ArrayDeque<String[]> queue) {
        Member m = byName.get(name);
        if (m == null || !reached.add(name)) {
            return;
        }
        if (m.features().containsKey("default")) {
            queue.add(new String[]{name, "default"});
        }
        for (Dependency d : m.dependencies()) {
            if (d.path() && !d.optional()) {
                reach(byName, d.name(), reached, queue);
                for (String f : d.features()) {
                    queue.add(new String[]{d.name(), f});
                }
            }
        }
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
                out.add(new Dependency(key, s.group(1), List.of(), true, false, false, key));
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
                    strs.containsKey("path") || strs.containsKey("git"), key));
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
        return List.copyOf(narrowest(out));
    }

    private static final Pattern FEATURE_KV = Pattern.compile("^\"?([A-Za-z0-9_.+-]+)\"?\\s*=\\s*(.+)$");
    private static final Pattern AT_LEAST = Pattern.compile("^crate\\(([^)]+)\\) >= (\\S+)$");
    private static final Pattern RANGE = Pattern.compile("^\\(crate\\(([^)]+)\\) >= (\\S+) with crate\\(\\1\\) < (\\S+)\\)$");

    /**
     * Of two caret ranges of one capability with the same upper bound (two members asking for
     * ^2.9.1 and ^2.10), only the stricter one: the other adds nothing.
     */
    static Set<String> narrowest(Set<String> lines) {
        Map<String, String> best = new LinkedHashMap<>();
        Set<String> out = new TreeSet<>();
        for (String l : lines) {
            Matcher m = RANGE.matcher(l);
            Matcher ge = AT_LEAST.matcher(l);
            if (ge.matches()) {
                String key = ge.group(1) + " >=";
                String prev = best.get(key);
                if (prev == null || compareVersions(prev.substring(prev.indexOf(">= ") + 3), ge.group(2)) < 0) {
                    best.put(key, l);
                }
                continue;
            }
            if (!m.matches()) {
                out.add(l);
                continue;
            }
            String key = m.group(1) + " " + m.group(3);
            String prev = best.get(key);
            if (prev == null || compareVersions(lower(prev), m.group(2)) < 0) {
                best.put(key, l);
            }
        }
        out.addAll(best.values());
        return out;
    }

    private static String lower(String rangeLine) {
        Matcher m = RANGE.matcher(rangeLine);
        return m.matches() ? m.group(2) : "0";
    }

    /** Dotted numeric comparison (1.10.0 > 1.9.1); a non-numeric part compares as text. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.~+]");
        String[] y = b.split("[.~+]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c = p.matches("\\d+") && q.matches("\\d+") ? Long.compare(Long.parseLong(p), Long.parseLong(q))
                    : p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    static String requirement(String capability, String req) {
        String c = "crate(" + capability + ")";
        String r = req.strip();
        if (r.startsWith(">=")) {
            return c + " >= " + rpmVersion(full(r.substring(2).strip()));
        }
        if (r.startsWith("=")) {
            return c + " = " + rpmVersion(full(r.substring(1).strip()));
        }
        String v = r.startsWith("^") ? r.substring(1).strip() : r;
        return "(" + c + " >= " + rpmVersion(full(v)) + " with " + c + " < " + caretNext(v) + "~)";
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
                out.add("bundled(crate(" + l.name() + ")) = " + rpmVersion(l.version()));
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
                    .map(l -> rpmVersion(l.version())).toList();
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
