package org.krunpack.verify;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The verify-lib report: one {@link ContractCheck} per property of the bundle contract.
 *
 * @param library the library checked
 * @param image   the kernel image compared against, or null
 * @param checks  every check, in the order run
 */
public record VerifyResult(Path library, Path image, List<ContractCheck> checks) implements StepResult {

    public VerifyResult {
        checks = List.copyOf(checks);
    }

    @Override
    public String step() {
        return "verify-lib";
    }

    @Override
    public boolean ok() {
        return checks.stream().noneMatch(ContractCheck::failed);
    }

    /** The checks that could not run here (no sandbox, inputs not trusted). */
    public List<ContractCheck> notEvaluated() {
        return checks.stream().filter(c -> c.status() == ContractCheck.Status.NOT_EVALUATED).toList();
    }

    /** The checks that failed. */
    public List<ContractCheck> failures() {
        return checks.stream().filter(ContractCheck::failed).toList();
    }

    /** The check with this name (tests and callers look up single checks). */
    public ContractCheck check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check named " + name));
    }

    @Override
    public List<Artifact> artifacts() {
        return List.of();
    }

    @Override
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add(library + (image != null ? " against " + image : ""));
        for (ContractCheck c : checks) {
            out.add(String.format(Locale.ROOT, "%-7s %-16s %s", "[" + c.status().label() + "]", c.name(),
                    c.evidence()));
        }
        return out;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("library", library.toAbsolutePath().normalize().toString());
        if (image != null) {
            d.put("image", image.toAbsolutePath().normalize().toString());
        }
        List<Map<String, Object>> cs = new ArrayList<>();
        for (ContractCheck c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("status", c.status().label());
            m.put("evidence", c.evidence());
            cs.add(m);
        }
        d.put("checks", cs);
        return d;
    }
}
