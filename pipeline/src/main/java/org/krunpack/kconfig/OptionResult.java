package org.krunpack.kconfig;

/**
 * The outcome for one requested option.
 *
 * @param symbol       without CONFIG_
 * @param requested    the requested value (n for "is not set")
 * @param effective    the value in the resolved .config (n when "is not set" or absent)
 * @param status       kept, dropped or changed
 * @param where        file:line of the request
 * @param reason       why it was dropped or changed (null when kept)
 * @param exemptReason the written reason of a {@code # krunpack-exempt:} line (null when none)
 * @param kind         what sort of symbol it is (in a full config, only user-settable symbols and
 *                     symbols gone from the tree are requests that can fail)
 */
public record OptionResult(String symbol, String requested, String effective, Status status, String where,
                           String reason, String exemptReason, Kind kind) {
    /** Kept: the effective value is the requested one (=n and absent count as the same). */
    public enum Status { KEPT, DROPPED, CHANGED }

    /**
     * What a symbol of a full config is.
     * <ul>
     *   <li>SETTABLE: it has a prompt (a choice the config made) — fragments' requests are all this;</li>
     *   <li>TOOLCHAIN: probed from the compiler, assembler, linker or Rust (no prompt, a default
     *       computed by a Kconfig macro, or a known probe name): differs with another toolchain;</li>
     *   <li>DERIVED: no prompt: its value follows from other symbols and the architecture;</li>
     *   <li>GONE: not defined by this tree's Kconfig (removed upstream) — an error;</li>
     *   <li>RENAMED: not defined by this tree, but a symbol that is new to the config stands for it
     *       (its Kconfig names the old one, or it shares its name's words and value).</li>
     * </ul>
     */
    public enum Kind { SETTABLE, TOOLCHAIN, DERIVED, GONE, RENAMED }

    public OptionResult(String symbol, String requested, String effective, Status status, String where,
                        String reason, String exemptReason) {
        this(symbol, requested, effective, status, where, reason, exemptReason, Kind.SETTABLE);
    }

    /**
     * True when this option fails the step: a settable or gone symbol dropped or changed without an
     * exemption. Toolchain and derived differences are reported, never errors.
     */
    public boolean error() {
        return status != Status.KEPT && exemptReason == null && (kind == Kind.SETTABLE || kind == Kind.GONE);
    }

    public OptionResult withKind(Kind k, String newReason) {
        return new OptionResult(symbol, requested, effective, status, where, newReason, exemptReason, k);
    }

    /** True when it was dropped or changed but an exemption accepts that. */
    public boolean exempted() {
        return status != Status.KEPT && exemptReason != null;
    }

    /** One line for reports: {@code CONFIG_X=y (10-base.config:7): dropped: <reason>}. */
    public String describe() {
        String head = "CONFIG_" + symbol + "=" + requested + " (" + where + "): ";
        String what = switch (status) {
            case KEPT -> "kept";
            case DROPPED -> "dropped";
            case CHANGED -> "changed to " + effective;
        };
        return head + what + (reason == null ? "" : ": " + reason)
                + (exemptReason == null ? "" : " [exempt: " + exemptReason + "]");
    }
}
