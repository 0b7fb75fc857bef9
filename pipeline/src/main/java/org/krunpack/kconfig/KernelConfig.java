package org.krunpack.kconfig;

import org.krunpack.core.UnifiedDiff;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config step: merge our fragments (or take a full config), resolve them with the tree's own
 * Kconfig, and verify the requested options against the effective ones, explaining each dropped
 * or changed option from the tree's Kconfig files.
 *
 * <p>Kconfig runs out of tree ({@code make O=<build dir>}) on a temporary config file
 * ({@code KCONFIG_CONFIG}), so neither the source tree nor the build directory's {@code .config}
 * is ever left holding a rejected config: the resolved config is installed into the build
 * directory only when every check passed (and only when it differs, so make's timestamps stay).
 * Writes {@code <config dir>/} as a whole (a temporary directory renamed into place):
 * {@code merged.config} (fragment mode), {@code make.log}, {@code report.txt}, {@code report.json},
 * and {@code config} (the resolved config) when every check passed, {@code config.rejected}
 * otherwise.
 *
 * <p>For a full config (the release's), symbols are classified: toolchain-probed symbols and
 * symbols without a prompt that differ are reported, never errors; new symbols of this kernel are
 * listed with the value they took; a symbol gone from the tree is paired with a new one whose
 * Kconfig names it, where there is one.
 */
public final class KernelConfig {
    private static final Pattern UNMET = Pattern.compile("WARNING: unmet direct dependencies detected for (\\S+)");
    private static final Pattern WARNING = Pattern.compile("(?i).*\\bwarning:.*");
    private static final Pattern NEW_SYMBOL = Pattern.compile("CONFIG_([A-Za-z0-9_]+)=(.*)");
    private static final Pattern MAKE_VAR = Pattern.compile("^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\\s*=\\s*(\\S*)\\s*$");
    /** Symbols the kernel probes from the toolchain (besides those with a macro default). */
    private static final Pattern TOOLCHAIN = Pattern.compile("(CC_VERSION_TEXT|GCC_VERSION|CLANG_VERSION|AS_VERSION"
            + "|LD_VERSION|LLD_VERSION|PAHOLE_VERSION|RUST_IS_AVAILABLE|RUSTC_[A-Z0-9_]+|BINDGEN_[A-Z0-9_]+"
            + "|(CC|LD|AS)_IS_[A-Z0-9_]+|(CC|AS|LD)_HAS_[A-Z0-9_]+|CC_CAN_[A-Z0-9_]+|TOOLS_SUPPORT_[A-Z0-9_]+"
            + "|GCC_ASM_[A-Z0-9_]+|CC_ASM_[A-Z0-9_]+|CC_NO_[A-Z0-9_]+|ARCH_USE_BUILTIN_BSWAP)");

    /**
     * One config run.
     *
     * @param tree         a prepared (extracted, patched) kernel source tree; not written to
     * @param buildDir     the build directory ({@code make O=}); its {@code .config} is replaced only
     *                     when every check passed
     * @param arch         target architecture
     * @param makeArgs     ARCH=, CROSS_COMPILE=, CC= (from the toolchain)
     * @param input        fragments (+ strict) or a full config
     * @param configDir    the report directory, written as a whole
     * @param patchOptions symbols the applied patches add to Kconfig → the patch (may be empty)
     * @param acceptTo     write the resolved config there as the new full config (null: do not)
     */
    public record Request(Path tree, Path buildDir, Arch arch, List<String> makeArgs, ConfigInput input,
                          Path configDir, Map<String, String> patchOptions, Path acceptTo) {
    }

    private KernelConfig() {
    }

    /**
     * Runs the config step on a tree with a scratch build directory under {@code outDir}, with
     * {@code ARCH=} only: make uses the host's gcc, so this suits the host's arch (a foreign arch
     * needs the cross compiler's make arguments, as {@code krunpack config --tree} passes them
     * through {@link #run(Request)}); the report goes to {@code outDir/config/}.
     */
    public static ConfigReport run(Path tree, Arch arch, ConfigInput input, Path outDir) {
        return run(new Request(tree, outDir.resolve("config-build"), arch, List.of("ARCH=" + arch.kernelArch()),
                input, outDir.resolve("config"), Map.of(), null));
    }

    /**
     * Runs the config step.
     *
     * @return the report; {@link ConfigReport#ok()} is false when an option was dropped or changed
     *         without exemption, on a redefinition in strict mode, or a Kconfig warning
     * @throws KrunpackException usage (2) for a bad fragment or tree, external (3) when make fails
     */
    public static ConfigReport run(Request req) {
        Path t = req.tree().toAbsolutePath().normalize();
        if (!Files.isRegularFile(t.resolve("Makefile")) || !Files.isRegularFile(t.resolve("Kconfig"))) {
            throw KrunpackException.usage(req.tree() + ": not a kernel tree (no Makefile and Kconfig at its top);"
                    + " pass --tree DIR pointing at an extracted kernel source tree");
        }
        if (Files.exists(t.resolve(".config"))) {
            throw KrunpackException.usage(t + " has a .config of its own (configured in place); krunpack builds out"
                    + " of tree and make refuses a configured source tree: run 'make mrproper' in it, or use"
                    + " --fresh-tree");
        }
        String version = kernelVersion(t);
        ConfigInput input = req.input();
        Arch arch = req.arch();

        // Parse every input first: all syntax errors at once, before anything runs.
        List<String> inputs;
        Merge merge;
        boolean strict;
        Path fullConfig = null;
        if (input instanceof ConfigInput.Fragments f) {
            inputs = displayNames(f.files());
            List<Fragment> fragments = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < f.files().size(); i++) {
                try {
                    fragments.add(Fragment.read(f.files().get(i), inputs.get(i)));
                } catch (KrunpackException e) {
                    problems.addAll(e.problems().isEmpty() ? List.of(e.getMessage()) : e.problems());
                }
            }
            if (!problems.isEmpty()) {
                throw new KrunpackException(ExitCode.USAGE, "bad fragment syntax (fix these lines):\n  - "
                        + String.join("\n  - ", problems), problems, null);
            }
            merge = Merge.of(fragments);
            strict = f.strict();
        } else {
            ConfigInput.Full full = (ConfigInput.Full) input;
            fullConfig = full.file();
            inputs = List.of(fullConfig.getFileName().toString());
            merge = Merge.of(List.of(Fragment.read(fullConfig, inputs.get(0)).withExemptions(full.exempt(),
                    "config.exempt")));
            strict = false;
        }
        Tools.require("make", "make", "make");

        Path buildDir = req.buildDir().toAbsolutePath().normalize();
        ConfigReport[] result = new ConfigReport[1];
        Merge m = merge;
        Path full = fullConfig;
        try {
            Files.createDirectories(buildDir);
        } catch (IOException e) {
            throw KrunpackException.external("cannot create " + buildDir + ": " + e.getMessage());
        }
        AtomicFiles.writeDirectory(req.configDir(), tmp -> {
            StringBuilder log = new StringBuilder();
            List<String> newSymbols = new ArrayList<>();
            Path candidate = tmp.resolve("resolved.config");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("KCONFIG_CONFIG", candidate.toString());
            List<String> make = new ArrayList<>(List.of("make", "-s", "-C", t.toString(), "O=" + buildDir));
            make.addAll(req.makeArgs());
            if (full == null) {
                Path merged = tmp.resolve("merged.config");
                Files.writeString(merged, m.text(), StandardCharsets.UTF_8);
                env.put("KCONFIG_ALLCONFIG", merged.toString());
                Tools.Result r = make(concat(make, "allnoconfig"), t, env, log);
                result[0] = verify(t, arch, version, "fragments", inputs, strict, m,
                        warnings(r.stdout() + "\n" + r.stderr(), merged.toString(), "merged.config"), newSymbols,
                        candidate);
            } else {
                Files.copy(full, candidate, StandardCopyOption.REPLACE_EXISTING);
                Tools.Result listed = make(concat(make, "listnewconfig"), t, env, log);
                List<String> newNames = new ArrayList<>();
                for (String line : listed.stdout().split("\n")) {
                    Matcher nm = NEW_SYMBOL.matcher(line.strip());
                    if (nm.matches()) {
                        newNames.add(nm.group(1));
                    }
                }
                Tools.Result r = make(concat(make, "olddefconfig"), t, env, log);
                Map<String, String> eff = Fragment.readEffective(candidate);
                for (String n : newNames) {
                    newSymbols.add("CONFIG_" + n + "=" + eff.getOrDefault(n, "n"));
                }
                List<String> warnings = warnings(listed.stdout() + "\n" + listed.stderr() + "\n" + r.stdout()
                        + "\n" + r.stderr(), candidate.toString(), ".config");
                result[0] = verify(t, arch, version, "full", inputs, false, m, warnings, newSymbols, candidate);
                result[0] = classify(result[0], t, arch, eff, newNames);
            }
            Map<String, String> eff = Fragment.readEffective(candidate);
            if (!req.patchOptions().isEmpty()) {
                result[0] = result[0].withPatchOptions(patchOptionsOff(req.patchOptions(), eff, m, t, arch));
            }
            Files.writeString(tmp.resolve("make.log"), log.toString(), StandardCharsets.UTF_8);
            boolean ok = result[0].ok();
            String configName = ok ? "config" : "config.rejected";
            Files.move(candidate, tmp.resolve(configName));
            if (ok) {
                Path dotConfig = buildDir.resolve(".config");
                if (!Files.isRegularFile(dotConfig) || Files.mismatch(dotConfig, tmp.resolve(configName)) != -1) {
                    AtomicFiles.write(dotConfig, x -> Files.copy(tmp.resolve(configName), x,
                            StandardCopyOption.REPLACE_EXISTING));
                }
                if (req.acceptTo() != null) {
                    result[0] = result[0].withAccepted(accept(tmp.resolve(configName), req.acceptTo()));
                }
            }
            List<Artifact> artifacts = new ArrayList<>();
            artifacts.add(new Artifact(ok ? "kernel-config" : "kernel-config-rejected",
                    req.configDir().resolve(configName)));
            if (full == null) {
                artifacts.add(new Artifact("merged-config", req.configDir().resolve("merged.config")));
            }
            artifacts.add(new Artifact("config-report", req.configDir().resolve("report.txt")));
            artifacts.add(new Artifact("config-report-json", req.configDir().resolve("report.json")));
            artifacts.add(new Artifact("config-make-log", req.configDir().resolve("make.log")));
            if (result[0].accepted() != null) {
                artifacts.add(new Artifact("accepted-config", result[0].accepted().target()));
            }
            result[0] = result[0].withArtifacts(artifacts);
            Files.writeString(tmp.resolve("report.txt"), result[0].text(), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.json"), result[0].json(), StandardCharsets.UTF_8);
        });
        return result[0];
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** Writes the resolved config as the new full config and says how it differs from the old one. */
    static ConfigReport.Accepted accept(Path resolved, Path target) throws IOException {
        Map<String, String> before = Files.isRegularFile(target) ? Fragment.readEffective(target) : Map.of();
        Map<String, String> after = Fragment.readEffective(resolved);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (var e : after.entrySet()) {
            String old = before.get(e.getKey());
            if (old == null) {
                added.add("CONFIG_" + e.getKey() + "=" + e.getValue());
            } else if (!old.equals(e.getValue())) {
                changed.add("CONFIG_" + e.getKey() + ": " + old + " -> " + e.getValue());
            }
        }
        for (String k : before.keySet()) {
            if (!after.containsKey(k)) {
                removed.add("CONFIG_" + k + "=" + before.get(k));
            }
        }
        String oldText = Files.isRegularFile(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
        String diff = org.krunpack.core.UnifiedDiff.diff(target.getFileName() + " (before)", oldText,
                target.getFileName() + " (accepted)", Files.readString(resolved, StandardCharsets.UTF_8), 1);
        AtomicFiles.write(target, x -> Files.copy(resolved, x, StandardCopyOption.REPLACE_EXISTING));
        return new ConfigReport.Accepted(target, added, removed, changed, diff);
    }

    /** Classifies the differences of a full config: toolchain, derived (no prompt), gone, settable. */
    static ConfigReport classify(ConfigReport r, Path tree, Arch arch, Map<String, String> effective,
                                 List<String> newNames) {
        if (r.options().stream().allMatch(o -> o.status() == OptionResult.Status.KEPT)) {
            return r;
        }
        KconfigTree kt = KconfigTree.read(tree, KconfigTree.srcArch(arch.kernelArch()));
        java.util.Set<String> toolchain = new java.util.HashSet<>();
        for (OptionResult o : r.options()) {
            if (isToolchain(o.symbol(), kt)) {
                toolchain.add(o.symbol());
            }
        }
        List<OptionResult> out = new ArrayList<>();
        for (OptionResult o : r.options()) {
            if (o.status() == OptionResult.Status.KEPT) {
                out.add(o);
                continue;
            }
            List<KconfigTree.Definition> defs = kt.definitions(o.symbol());
            if (defs.isEmpty()) {
                String renamed = renamedTo(o.symbol(), newNames, kt);
                if (renamed != null) {
                    out.add(o.withKind(OptionResult.Kind.RENAMED, "not in this kernel: renamed to CONFIG_" + renamed
                            + " (its Kconfig names " + o.symbol() + "), which is " + effective.getOrDefault(renamed, "n")
                            + " here"));
                    continue;
                }
                String likely = likelyRename(o, effective, requestedSymbols(r), kt);
                out.add(likely != null ? o.withKind(OptionResult.Kind.RENAMED, "not in this kernel; CONFIG_" + likely
                        + ", new to this config, shares its name and value (" + effective.get(likely)
                        + "): probably its new name") : o.withKind(OptionResult.Kind.GONE, o.reason()));
            } else if (toolchain.contains(o.symbol())) {
                out.add(o.withKind(OptionResult.Kind.TOOLCHAIN, "probed from the toolchain: " + defs.get(0).where()));
            } else if (o.reason() != null && toolchain.stream().anyMatch(s -> o.reason().matches(".*\\b" + s + "\\b.*"))) {
                out.add(o.withKind(OptionResult.Kind.TOOLCHAIN, o.reason() + " (a toolchain-probed symbol)"));
            } else if (defs.stream().noneMatch(KconfigTree.Definition::prompt)) {
                out.add(o.withKind(OptionResult.Kind.DERIVED, o.reason()));
            } else {
                out.add(o);
            }
        }
        return new ConfigReport(r.mode(), r.tree(), r.kernelVersion(), r.arch(), r.inputs(), r.strict(),
                r.redefinitions(), out, r.newSymbols(), r.warnings(), r.artifacts(), r.patchOptions(), r.accepted());
    }

    private static java.util.Set<String> requestedSymbols(ConfigReport r) {
        java.util.Set<String> s = new java.util.HashSet<>();
        r.options().forEach(o -> s.add(o.symbol()));
        return s;
    }

    /** Words of a symbol's name that say little about what it is. */
    private static final java.util.Set<String> NOISE = java.util.Set.of("CONFIG", "ARCH", "HAS", "GENERIC", "ENABLE",
            "SUPPORT", "SUPPORTS", "HAVE", "USE", "WANT", "CORE", "DEFAULT");

    /**
     * A symbol that is set in the resolved config, absent from the old one, defined by this tree,
     * with the gone symbol's value and a significant word of its name in common; the one sharing the
     * most words, or null.
     */
    static String likelyRename(OptionResult gone, Map<String, String> effective, java.util.Set<String> old,
                               KconfigTree kt) {
        java.util.Set<String> words = new java.util.HashSet<>(List.of(gone.symbol().split("_")));
        words.removeAll(NOISE);
        if (words.isEmpty() || gone.requested().equals("n")) {
            return null;
        }
        String best = null;
        int bestShared = 0;
        for (var e : effective.entrySet()) {
            if (old.contains(e.getKey()) || !e.getValue().equals(gone.requested()) || !kt.exists(e.getKey())) {
                continue;
            }
            int shared = 0;
            for (String w : e.getKey().split("_")) {
                if (words.contains(w)) {
                    shared++;
                }
            }
            if (shared > bestShared) {
                bestShared = shared;
                best = e.getKey();
            }
        }
        return best;
    }

    static boolean isToolchain(String symbol, KconfigTree kt) {
        return TOOLCHAIN.matcher(symbol).matches()
                || kt.definitions(symbol).stream().anyMatch(KconfigTree.Definition::toolchainProbed);
    }

    /** A new symbol whose Kconfig definition (default or help) names the gone one, or null. */
    static String renamedTo(String gone, List<String> newNames, KconfigTree kt) {
        Pattern word = Pattern.compile("\\b(CONFIG_)?" + Pattern.quote(gone) + "\\b");
        for (String n : newNames) {
            for (KconfigTree.Definition d : kt.definitions(n)) {
                if (word.matcher(d.help()).find() || d.defaults().stream().anyMatch(x -> word.matcher(x).find())) {
                    return n;
                }
            }
        }
        return null;
    }

    /**
     * Options the patches add that are off in the resolved config, with the patch and why. An option
     * a fragment turns off on purpose (with its reason there) and one this architecture's Kconfig
     * does not have (an arm64 option on x86_64) are not warned about.
     */
    static List<String> patchOptionsOff(Map<String, String> added, Map<String, String> effective, Merge merge,
                                        Path tree, Arch arch) {
        List<String> out = new ArrayList<>();
        Map<String, ConfigEntry> requested = new java.util.HashMap<>();
        for (ConfigEntry e : merge.entries()) {
            requested.put(e.symbol(), e);
        }
        KconfigTree kt = null;
        Explainer explainer = null;
        for (var e : new java.util.TreeMap<>(added).entrySet()) {
            String v = effective.getOrDefault(e.getKey(), "n");
            ConfigEntry r = requested.get(e.getKey());
            if (!v.equals("n") || r != null && r.isOff()) {
                continue;
            }
            if (kt == null) {
                kt = KconfigTree.read(tree, KconfigTree.srcArch(arch.kernelArch()));
                explainer = new Explainer(kt, effective);
            }
            if (!kt.exists(e.getKey())) {
                continue; // another architecture's option
            }
            String why;
            if (r == null) {
                String blocked = explainer.explain(new ConfigEntry(e.getKey(), "y", "(none)", 0, null));
                why = blocked.startsWith("unmet dependency") ? blocked + "; and no fragment asks for it"
                        : "no fragment asks for it (turn it on in a layer, or off with a comment saying why)";
            } else {
                why = explainer.explain(r);
            }
            out.add("CONFIG_" + e.getKey() + " (added by " + e.getValue() + ") is off: " + why);
        }
        return out;
    }

    private static ConfigReport verify(Path tree, Arch arch, String version, String mode, List<String> inputs,
                                       boolean strict, Merge merge, List<String> warnings, List<String> newSymbols,
                                       Path resolved) {
        Map<String, String> effective = Fragment.readEffective(resolved);
        List<OptionResult> options = Verifier.verify(merge.entries(), effective,
                () -> KconfigTree.read(tree, KconfigTree.srcArch(arch.kernelArch())));
        return new ConfigReport(mode, tree, version, arch, inputs, strict, merge.redefinitions(), options,
                newSymbols, warnings, List.of());
    }

    private static Tools.Result make(List<String> cmd, Path tree, Map<String, String> env, StringBuilder log) {
        Tools.Result r = Tools.run(cmd, tree, env);
        log.append("$ ").append(String.join(" ", cmd)).append('\n').append(r.stdout()).append(r.stderr())
                .append("(exit ").append(r.exitCode()).append(")\n");
        if (!r.ok()) {
            throw KrunpackException.external(String.join(" ", cmd) + " in " + tree + " exited " + r.exitCode()
                    + " (is flex, bison and a C compiler installed? see README.md, 'Set-up')"
                    + Tools.tail("\n", r.stderr().isBlank() ? r.stdout() : r.stderr(), 20));
        }
        return r;
    }

    /**
     * Kconfig's warnings in make's output: "file:line:warning: ..." lines and the multi-line
     * "WARNING: unmet direct dependencies detected for X" blocks (joined on one line).
     */
    static List<String> warnings(String output, String path, String display) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = output.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher u = UNMET.matcher(line);
            String w = null;
            if (u.find()) {
                StringBuilder sb = new StringBuilder(line.strip());
                while (i + 1 < lines.length && !lines[i + 1].isEmpty() && Character.isWhitespace(lines[i + 1].charAt(0))) {
                    sb.append("; ").append(lines[++i].strip());
                }
                w = sb.toString();
            } else if (WARNING.matcher(line).matches()) {
                w = line.strip();
            }
            if (w != null) {
                w = w.replace(path, display);
                if (seen.add(w)) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** VERSION.PATCHLEVEL.SUBLEVEL[EXTRAVERSION] from the tree's top Makefile. */
    static String kernelVersion(Path tree) {
        Map<String, String> v = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(tree.resolve("Makefile"), StandardCharsets.UTF_8)) {
                Matcher m = MAKE_VAR.matcher(line);
                if (m.matches()) {
                    v.putIfAbsent(m.group(1), m.group(2));
                }
                if (v.size() == 4) {
                    break;
                }
            }
        } catch (IOException e) {
            throw KrunpackException.usage(tree.resolve("Makefile") + ": cannot read: " + e.getMessage());
        }
        if (!v.containsKey("VERSION") || !v.containsKey("PATCHLEVEL")) {
            return "unknown";
        }
        return v.get("VERSION") + "." + v.get("PATCHLEVEL")
                + (v.containsKey("SUBLEVEL") ? "." + v.get("SUBLEVEL") : "") + v.getOrDefault("EXTRAVERSION", "");
    }

    /** File names when they are unique, else the paths as given. */
    static List<String> displayNames(List<Path> files) {
        List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
        if (new HashSet<>(names).size() == names.size()) {
            return names;
        }
        return files.stream().map(Path::toString).toList();
    }
}
