package org.krunpack.kconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fragments merged in order: a later line for the same symbol replaces the earlier one (like the
 * kernel's merge_config.sh), and every redefinition is recorded with both file:line.
 *
 * @param fragments      the inputs, in order
 * @param entries        the winning line of each symbol, in order of first appearance
 * @param redefinitions  each time a symbol was set again
 */
public record Merge(List<Fragment> fragments, List<ConfigEntry> entries, List<Redefinition> redefinitions) {

    public static Merge of(List<Fragment> fragments) {
        Map<String, ConfigEntry> bySymbol = new LinkedHashMap<>();
        List<Redefinition> redefinitions = new ArrayList<>();
        for (Fragment f : fragments) {
            for (ConfigEntry e : f.entries()) {
                ConfigEntry old = bySymbol.get(e.symbol());
                if (old != null) {
                    redefinitions.add(new Redefinition(e.symbol(), old, e));
                }
                bySymbol.put(e.symbol(), e); // keeps the first appearance's position
            }
        }
        return new Merge(List.copyOf(fragments), List.copyOf(bySymbol.values()), List.copyOf(redefinitions));
    }

    /**
     * The merged fragment as written to {@code merged.config} and passed to Kconfig: one line per
     * symbol at its final value, each under a comment naming where it was set.
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Merged by krunpack from, in order (a later line wins):\n");
        for (Fragment f : fragments) {
            sb.append("#   ").append(f.name()).append('\n');
        }
        sb.append("# ").append(entries.size()).append(" options, ").append(redefinitions.size())
                .append(redefinitions.size() == 1 ? " redefinition" : " redefinitions").append(".\n");
        Map<String, List<String>> overridden = new LinkedHashMap<>();
        for (Redefinition r : redefinitions) {
            overridden.computeIfAbsent(r.symbol(), k -> new ArrayList<>()).add(r.earlier().where());
        }
        for (ConfigEntry e : entries) {
            sb.append('\n').append("# from ").append(e.where());
            List<String> earlier = overridden.get(e.symbol());
            if (earlier != null) {
                sb.append(" (overrides ").append(String.join(", ", earlier)).append(')');
            }
            sb.append('\n');
            if (e.exemptReason() != null) {
                sb.append("# krunpack-exempt: ").append(e.exemptReason()).append('\n');
            }
            sb.append(e.configLine()).append('\n');
        }
        return sb.toString();
    }
}
