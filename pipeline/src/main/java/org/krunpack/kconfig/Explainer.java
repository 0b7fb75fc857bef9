package org.krunpack.kconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Says why Kconfig did not keep a requested value, from the tree's Kconfig files and the effective
 * config: the symbol does not exist, a {@code depends on} is unmet (naming the symbols that are
 * off), it has no prompt, a {@code select} forces it, or modules are off. Explains only: the
 * decision was Kconfig's.
 */
public final class Explainer {
    private final KconfigTree tree;
    private final Function<String, String> values;

    public Explainer(KconfigTree tree, Map<String, String> effective) {
        this.tree = tree;
        this.values = effective::get;
    }

    /** Why {@code requested} (a y/m/value request) is absent or different in the effective config. */
    public String explain(ConfigEntry requested) {
        String symbol = requested.symbol();
        List<KconfigTree.Definition> defs = tree.definitions(symbol);
        if (defs.isEmpty()) {
            return "the symbol " + symbol + " does not exist in this kernel tree (no 'config " + symbol
                    + "' in its Kconfig files for this ARCH): renamed or removed upstream, or another"
                    + " architecture's";
        }
        if (requested.isOff()) {
            String forced = forcedOn(symbol);
            if (!forced.isEmpty()) {
                return forced;
            }
            return defs.stream().anyMatch(KconfigTree.Definition::prompt)
                    ? "Kconfig turned it on although =n was requested (its prompt is hidden or a select"
                    + " krunpack could not evaluate forces it; see make.log)"
                    : "it has no prompt, so its default applies and =n cannot turn it off";
        }
        // A definition whose dependencies are all met means "depends on" is not the reason.
        List<String> unmet = new ArrayList<>();
        boolean someMet = false;
        for (KconfigTree.Definition d : defs) {
            List<String> failing = new ArrayList<>();
            for (KconfigTree.Dep dep : d.deps()) {
                if (dep.expr() == null) {
                    continue;
                }
                if (dep.expr().eval(values) == Expr.N) {
                    failing.add(unmet(dep));
                }
            }
            if (failing.isEmpty()) {
                someMet = true;
            } else {
                unmet.add(String.join("; ", failing));
            }
        }
        if (!someMet) {
            return "unmet dependency: " + String.join("; or, for its other definition: ", unmet);
        }
        boolean anyPrompt = defs.stream().anyMatch(KconfigTree.Definition::prompt);
        if (!anyPrompt) {
            return "it has no prompt (it cannot be set directly, only selected or defaulted)"
                    + selectors(symbol);
        }
        List<String> hidden = new ArrayList<>();
        for (KconfigTree.Definition d : defs) {
            if (d.prompt() && d.promptIf() != null && d.promptIf().expr() != null
                    && d.promptIf().expr().eval(values) == Expr.N) {
                hidden.add(unmet(d.promptIf()));
            }
        }
        if (hidden.size() == defs.stream().filter(KconfigTree.Definition::prompt).count()) {
            return "its prompt is hidden: " + String.join("; ", hidden) + selectors(symbol);
        }
        if ("m".equals(requested.value()) && !"y".equals(values.apply("MODULES"))) {
            return "m needs CONFIG_MODULES=y, which is off: Kconfig builds it in (y) or drops it";
        }
        String effective = values.apply(symbol);
        if (effective != null && !"n".equals(effective) && !requested.value().equals(effective)) {
            String forced = forcedOn(symbol);
            List<String> ranges = defs.stream().flatMap(d -> d.ranges().stream()).toList();
            return (ranges.isEmpty() ? "Kconfig changed the value" : "Kconfig changed the value (range "
                    + String.join(", ", ranges) + ")") + (forced.isEmpty() ? "" : "; " + forced);
        }
        if (defs.stream().anyMatch(KconfigTree.Definition::inChoice)) {
            return "it is a member of a choice: another member was chosen (request that member =n, or"
                    + " this one's alternatives off)";
        }
        return "its dependencies are met and it has a prompt, yet Kconfig did not keep it: check its"
                + " type and range (" + defs.get(0).where() + ") and make.log";
    }

    /** {@code depends on SMP (init/Kconfig:1187) is not met: SMP=n}. */
    private String unmet(KconfigTree.Dep dep) {
        return dep.describe() + " is not met: " + String.join(", ", dep.expr().culprits(values));
    }

    private String forcedOn(String symbol) {
        List<String> on = new ArrayList<>();
        for (KconfigTree.Select s : tree.selectedBy(symbol)) {
            if (s.imply()) {
                continue;
            }
            String v = values.apply(s.selector());
            boolean selectorOn = v != null && !"n".equals(v);
            boolean condOn = s.condition() == null || s.condition().expr() == null
                    || s.condition().expr().eval(values) != Expr.N;
            if (selectorOn && condOn) {
                on.add(s.selector() + "=" + v + " (" + s.where() + ")");
            }
        }
        return on.isEmpty() ? "" : "forced on by select from " + String.join(", ", on);
    }

    private String selectors(String symbol) {
        List<KconfigTree.Select> sel = tree.selectedBy(symbol).stream().filter(s -> !s.imply()).toList();
        if (sel.isEmpty()) {
            return "; nothing selects it";
        }
        List<String> names = new ArrayList<>();
        for (KconfigTree.Select s : sel) {
            String v = values.apply(s.selector());
            names.add(s.selector() + "=" + (v == null ? "n" : v));
            if (names.size() == 8) {
                names.add("... (" + (sel.size() - 8) + " more)");
                break;
            }
        }
        return "; selected by: " + String.join(", ", names.stream().distinct().toList());
    }
}
