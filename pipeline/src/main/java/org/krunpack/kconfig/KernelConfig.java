package org.krunpack.kconfig;

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
 * <p>Writes {@code <out>/config/} as a whole (a temporary directory renamed into place):
 * {@code merged.config} (fragment mode), {@code make.log}, {@code report.txt}, {@code report.json},
 * and {@code config} (the resolved .config) when every check passed, {@code config.rejected}
 * otherwise. The resolved {@code .config} stays in the tree for the build step.
 */
public final class KernelConfig {
    private static final Pattern UNMET = Pattern.compile("WARNING: unmet direct dependencies detected for (\\S+)");
    private static final Pattern WARNING = Pattern.compile("(?i).*\\bwarning:.*");
    private static final Pattern NEW_SYMBOL = Pattern.compile("CONFIG_[A-Za-z0-9_]+=.*");
    private static final Pattern MAKE_VAR = Pattern.compile("^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\\s*=\\s*(\\S*)\\s*$");

    private KernelConfig() {
    }

    /**
     * Runs the config step.
     *
     * @param tree   a prepared (extracted, patched) kernel tree
     * @param arch   target architecture (ARCH= for make)
     * @param input  fragments (+ strict) or a full config
     * @param outDir the output root; the step writes {@code outDir/config/}
     * @return the report; {@link ConfigReport#ok()} is false when an option was dropped or changed
     *         without exemption, on a redefinition in strict mode, an unanswered new symbol or a
     *         Kconfig warning
     * @throws KrunpackException usage (2) for a bad fragment or tree, external (3) when make fails
     */
    public static ConfigReport run(Path tree, Arch arch, ConfigInput input, Path outDir) {
        Path t = tree.toAbsolutePath().normalize();
        if (!Files.isRegularFile(t.resolve("Makefile")) || !Files.isRegularFile(t.resolve("Kconfig"))) {
            throw KrunpackException.usage(tree + ": not a kernel tree (no Makefile and Kconfig at its top);"
                    + " pass --tree DIR pointing at an extracted kernel source tree");
        }
        String version = kernelVersion(t);

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
            fullConfig = ((ConfigInput.Full) input).file();
            inputs = List.of(fullConfig.getFileName().toString());
            merge = Merge.of(List.of(Fragment.read(fullConfig, inputs.get(0))));
            strict = false;
        }
        Tools.require("make", "make", "make");

        Path configDir = outDir.resolve("config");
        ConfigReport[] result = new ConfigReport[1];
        Merge m = merge;
        Path full = fullConfig;
        AtomicFiles.writeDirectory(configDir, tmp -> {
            StringBuilder log = new StringBuilder();
            List<String> newSymbols = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            Path dotConfig = t.resolve(".config");
            String makeArch = "ARCH=" + arch.kernelArch();
            if (full == null) {
                Path merged = tmp.resolve("merged.config");
                Files.writeString(merged, m.text(), StandardCharsets.UTF_8);
                env.put("KCONFIG_ALLCONFIG", merged.toString());
                Tools.Result r = make(List.of("make", makeArch, "allnoconfig"), t, env, log);
                result[0] = verify(t, arch, version, "fragments", inputs, strict, m,
                        warnings(r.stdout() + "\n" + r.stderr(), merged.toString(), "merged.config"), newSymbols);
            } else {
                Files.copy(full, dotConfig, StandardCopyOption.REPLACE_EXISTING);
                Tools.Result listed = make(List.of("make", makeArch, "listnewconfig"), t, env, log);
                for (String line : listed.stdout().split("\n")) {
                    if (NEW_SYMBOL.matcher(line.strip()).matches()) {
                        newSymbols.add(line.strip());
                    }
                }
                Tools.Result r = make(List.of("make", makeArch, "olddefconfig"), t, env, log);
                List<String> warnings = warnings(listed.stdout() + "\n" + listed.stderr() + "\n" + r.stdout()
                        + "\n" + r.stderr(), dotConfig.toString(), ".config");
                result[0] = verify(t, arch, version, "full", inputs, false, m, warnings, newSymbols);
            }
            Files.writeString(tmp.resolve("make.log"), log.toString(), StandardCharsets.UTF_8);
            String configName = result[0].ok() ? "config" : "config.rejected";
            Files.copy(dotConfig, tmp.resolve(configName), StandardCopyOption.REPLACE_EXISTING);
            List<Artifact> artifacts = new ArrayList<>();
            artifacts.add(new Artifact(result[0].ok() ? "kernel-config" : "kernel-config-rejected",
                    configDir.resolve(configName)));
            if (full == null) {
                artifacts.add(new Artifact("merged-config", configDir.resolve("merged.config")));
            }
            artifacts.add(new Artifact("config-report", configDir.resolve("report.txt")));
            artifacts.add(new Artifact("config-report-json", configDir.resolve("report.json")));
            artifacts.add(new Artifact("config-make-log", configDir.resolve("make.log")));
            result[0] = result[0].withArtifacts(artifacts);
            Files.writeString(tmp.resolve("report.txt"), result[0].text(), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.json"), result[0].json(), StandardCharsets.UTF_8);
        });
        return result[0];
    }

    private static ConfigReport verify(Path tree, Arch arch, String version, String mode, List<String> inputs,
                                       boolean strict, Merge merge, List<String> warnings, List<String> newSymbols) {
        Map<String, String> effective = Fragment.readEffective(tree.resolve(".config"));
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
