package org.krunpack.kconfig;

/** A symbol set again by a later line (in the same or a later fragment): the later one wins. */
public record Redefinition(String symbol, ConfigEntry earlier, ConfigEntry later) {
    /** True when both set the same value (still reported: one of them is redundant). */
    public boolean sameValue() {
        return earlier.value().equals(later.value());
    }

    public String describe() {
        return "CONFIG_" + symbol + ": " + earlier.value() + " (" + earlier.where() + ") redefined as "
                + later.value() + " (" + later.where() + ")" + (sameValue() ? ", same value" : "");
    }
}
