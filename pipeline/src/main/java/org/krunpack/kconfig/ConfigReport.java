package org.krunpack.kconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;
import org.krunpack.project.Arch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config step's result: every requested option with its effective value, each dropped or
 * changed option with the reason read from the tree's Kconfig, redefinitions between fragments,
 * unanswered new symbols (full-config mode) and Kconfig's warnings.
 *
 * @param mode          "fragments" or "full"
 * @param tree          the kernel tree
 * @param kernelVersion the tree's version (from its Makefile)
 * @param arch          target architecture
 * @param inputs        fragment names in merge order, or the full config's name
 * @param strict        redefinitions are errors
 * @param redefinitions each symbol set again by a later line
 * @param options       one result per requested symbol, in request order
 * @param newSymbols    {@code make listnewconfig} lines (full-config mode): symbols the config did not answer
 * @param warnings      Kconfig's warnings from make's output
 * @param artifacts     files written (config, merged config, reports)
 * @param patchOptions  options the applied patches add (their Kconfig hunks) that ended up off, each
 *                      naming the patch and why it is off (warnings, not errors)
 * @param accepted      what {@code config --accept} wrote and how it differs from before, or null
 */
public record ConfigReport(String mode, Path tree, String kernelVersion, Arch arch, List<String> inputs,
                           boolean strict, List<Redefinition> redefinitions, List<OptionResult> options,
                           List<String> newSymbols, List<String> warnings, List<Artifact> artifacts,
                           List<String> patchOptions, Accepted accepted)
        implements StepResult {

    /**
     * The resolved config written as the new full config.
     *
     * @param target  the file written
     * @param added   lines the new config has that the previous one did not (new symbols)
     * @param removed symbols the previous config set that the new one does not have
     * @param changed {@code CONFIG_X: old -> new}
     * @param diff    a unified diff, previous → new
     */
    public record Accepted(Path target, List<String> added, List<String> removed, List<String> changed,
                           String diff) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", target.toString());
            m.put("added", added);
            m.put("removed", removed);
            m.put("changed", changed);
            m.put("diff", diff);
            return m;
        }
    }

    public ConfigReport(String mode, Path tree, String kernelVersion, Arch arch, List<String> inputs,
                        boolean strict, List<Redefinition> redefinitions, List<OptionResult> options,
                        List<String> newSymbols, List<String> warnings, List<Artifact> artifacts) {
        this(mode, tree, kernelVersion, arch, inputs, strict, redefinitions, options, newSymbols, warnings, artifacts,
                List.of(), null);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ConfigReport {
        inputs = List.copyOf(inputs);
        redefinitions = List.copyOf(redefinitions);
        options = List.copyOf(options);
        newSymbols = List.copyOf(newSymbols);
        warnings = List.copyOf(warnings);
        artifacts = List.copyOf(artifacts);
        patchOptions = List.copyOf(patchOptions);
    }

    /** The same report with its artifacts set. */
    public ConfigReport withArtifacts(List<Artifact> files) {
        return new ConfigReport(mode, tree, kernelVersion, arch, inputs, strict, redefinitions, options,
                newSymbols, warnings, files, patchOptions, accepted);
    }

    /** The same report with the options the patches add that are off. */
    public ConfigReport withPatchOptions(List<String> off) {
        return new ConfigReport(mode, tree, kernelVersion, arch, inputs, strict, redefinitions, options,
                newSymbols, warnings, artifacts, off, accepted);
    }

    /** The same report with what --accept wrote. */
    public ConfigReport withAccepted(Accepted a) {
        return new ConfigReport(mode, tree, kernelVersion, arch, inputs, strict, redefinitions, options,
                newSymbols, warnings, artifacts, patchOptions, a);
    }

    /** Non-kept options of a kind (toolchain, derived, gone) that are not errors. */
    public List<OptionResult> differences(OptionResult.Kind kind) {
        return options.stream().filter(o -> o.kind() == kind && o.status() != OptionResult.Status.KEPT
                && !o.error()).toList();
    }

    @Override
    public String step() {
        return "config";
    }

    @Override
    public boolean ok() {
        return errors().isEmpty();
    }

    /** Every reason the step fails, one line each (empty when it passes). */
    public List<String> errors() {
        List<String> out = new ArrayList<>();
        for (OptionResult o : options) {
            if (o.error()) {
                out.add(o.describe());
            }
        }
        if (strict) {
            for (Redefinition r : redefinitions) {
                out.add(r.describe() + " (strict: fragments must not redefine a symbol)");
            }
        }
        for (String w : warnings) {
            if (!exemptWarning(w)) {
                out.add("Kconfig warning: " + w);
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern WARNING_SYMBOL =
            java.util.regex.Pattern.compile("(?:invalid for|detected for) ([A-Za-z0-9_]+)\\b");

    /**
     * Whether a Kconfig warning is about an option exempted with a reason (the release's config
     * gives {@code BASE_SMALL=0}, which 6.12 warns is no valid value): it stays listed, not an error.
     */
    boolean exemptWarning(String warning) {
        java.util.regex.Matcher m = WARNING_SYMBOL.matcher(warning);
        return m.find() && options.stream().anyMatch(o -> o.symbol().equals(m.group(1)) && o.exemptReason() != null);
    }

    public long count(OptionResult.Status status) {
        return options.stream().filter(o -> o.status() == status).count();
    }

    public long exemptCount() {
        return options.stream().filter(OptionResult::exempted).count();
    }

    @Override
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(mode + ": " + String.join(", ", inputs) + " (kernel " + kernelVersion + ", ARCH="
                + arch.kernelArch() + ")");
        lines.add(counts());
        List<String> errors = errors();
        for (String e : errors) {
            lines.add("error: " + e);
        }
        for (OptionResult o : options) {
            if (o.exempted()) {
                lines.add("exempt: " + o.describe());
            }
        }
        if (!strict) {
            for (Redefinition r : redefinitions) {
                lines.add("redefined: " + r.describe());
            }
        }
        for (String p : patchOptions) {
            lines.add("warning: " + p);
        }
        int tc = differences(OptionResult.Kind.TOOLCHAIN).size();
        if (tc > 0) {
            lines.add(tc + " toolchain differences (the config was made with another compiler; see " + "report.txt)");
        }
        if (!newSymbols.isEmpty()) {
            lines.add(newSymbols.size() + " new symbols of this kernel took their defaults (see report.txt)");
        }
        if (accepted != null) {
            lines.add("accepted: wrote " + accepted.target() + " (" + accepted.added().size() + " added, "
                    + accepted.removed().size() + " removed, " + accepted.changed().size() + " changed)");
            for (String l : accepted.diff().split("\n")) {
                if (!l.isEmpty()) {
                    lines.add("  " + l);
                }
            }
        }
        return lines;
    }

    private String counts() {
        String s = options.size() + " requested: " + count(OptionResult.Status.KEPT) + " kept, "
                + count(OptionResult.Status.DROPPED) + " dropped, " + count(OptionResult.Status.CHANGED)
                + " changed (" + exemptCount() + " exempt); " + errors().size() + " errors; "
                + redefinitions.size() + " redefinitions; " + newSymbols.size() + " new symbols; "
                + warnings.size() + " Kconfig warnings";
        if (mode.equals("full")) {
            s += "; " + differences(OptionResult.Kind.TOOLCHAIN).size() + " toolchain differences, "
                    + differences(OptionResult.Kind.DERIVED).size() + " derived differences";
        }
        if (!patchOptions.isEmpty()) {
            s += "; " + patchOptions.size() + " options the patches add are off";
        }
        return s;
    }

    /** The text report ({@code report.txt}). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("krunpack config report\n");
        sb.append("result: ").append(ok() ? "ok" : "FAILED").append('\n');
        sb.append("mode: ").append(mode).append(strict ? " (strict)" : "").append('\n');
        sb.append("tree: ").append(tree).append(" (kernel ").append(kernelVersion).append(", ARCH=")
                .append(arch.kernelArch()).append(")\n");
        sb.append("inputs: ").append(String.join(", ", inputs)).append('\n');
        sb.append(counts()).append('\n');
        section(sb, "Errors", errors());
        List<String> exempt = options.stream().filter(OptionResult::exempted).map(OptionResult::describe).toList();
        section(sb, "Exempted (dropped or changed, accepted with a written reason)", exempt);
        section(sb, "Redefinitions (the later line wins)", redefinitions.stream().map(Redefinition::describe).toList());
        section(sb, "Options the applied patches add that are off", patchOptions);
        section(sb, "Toolchain differences (probed from another compiler; not errors)",
                differences(OptionResult.Kind.TOOLCHAIN).stream().map(OptionResult::describe).toList());
        section(sb, "Derived differences (no prompt: they follow from other symbols; not errors)",
                differences(OptionResult.Kind.DERIVED).stream().map(OptionResult::describe).toList());
        section(sb, "Renamed in this kernel (not errors)",
                differences(OptionResult.Kind.RENAMED).stream().map(OptionResult::describe).toList());
        section(sb, "New symbols of this kernel, with the value they took", newSymbols);
        section(sb, "Kconfig warnings", warnings.stream().map(w -> exemptWarning(w) ? w + " [about an exempted option: not an error]" : w).toList());
        if (accepted != null) {
            sb.append("\nAccepted: the resolved config was written to ").append(accepted.target()).append('\n');
            sb.append(accepted.diff());
        }
        List<String> kept = options.stream().filter(o -> o.status() == OptionResult.Status.KEPT)
                .map(o -> "CONFIG_" + o.symbol() + "=" + o.effective() + " (" + o.where() + ")").toList();
        section(sb, "Kept", kept);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        sb.append('\n').append(title).append(" (").append(lines.size()).append("):\n");
        for (String l : lines) {
            sb.append("  ").append(l).append('\n');
        }
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mode", mode);
        d.put("tree", tree.toString());
        d.put("kernelVersion", kernelVersion);
        d.put("arch", arch.rpmName());
        d.put("inputs", inputs);
        d.put("strict", strict);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("requested", options.size());
        counts.put("kept", count(OptionResult.Status.KEPT));
        counts.put("dropped", count(OptionResult.Status.DROPPED));
        counts.put("changed", count(OptionResult.Status.CHANGED));
        counts.put("exempt", exemptCount());
        counts.put("redefinitions", redefinitions.size());
        counts.put("newSymbols", newSymbols.size());
        counts.put("warnings", warnings.size());
        d.put("counts", counts);
        d.put("errors", errors());
        List<Map<String, Object>> redefs = new ArrayList<>();
        for (Redefinition r : redefinitions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("symbol", r.symbol());
            m.put("earlier", valueAt(r.earlier()));
            m.put("later", valueAt(r.later()));
            redefs.add(m);
        }
        d.put("redefinitions", redefs);
        List<Map<String, Object>> opts = new ArrayList<>();
        for (OptionResult o : options) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("symbol", o.symbol());
            m.put("requested", o.requested());
            m.put("effective", o.effective());
            m.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
            m.put("kind", o.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("where", o.where());
            if (o.reason() != null) {
                m.put("reason", o.reason());
            }
            if (o.exemptReason() != null) {
                m.put("exempt", o.exemptReason());
            }
            opts.add(m);
        }
        d.put("options", opts);
        d.put("newSymbols", newSymbols);
        d.put("warnings", warnings);
        d.put("patchOptionsOff", patchOptions);
        d.put("toolchainDifferences", differences(OptionResult.Kind.TOOLCHAIN).stream().map(OptionResult::describe)
                .toList());
        d.put("derivedDifferences", differences(OptionResult.Kind.DERIVED).stream().map(OptionResult::describe)
                .toList());
        d.put("renamed", differences(OptionResult.Kind.RENAMED).stream().map(OptionResult::describe).toList());
        d.put("accepted", accepted == null ? null : accepted.toMap());
        return d;
    }

    private static Map<String, Object> valueAt(ConfigEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", e.value());
        m.put("where", e.where());
        return m;
    }

    /** The JSON report ({@code report.json}). */
    public String json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("step", step());
        doc.put("ok", ok());
        doc.putAll(details());
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the config report", e);
        }
    }
}
