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
 */
public record OptionResult(String symbol, String requested, String effective, Status status, String where,
                           String reason, String exemptReason) {
    /** Kept: the effective value is the requested one (=n and absent count as the same). */
    public enum Status { KEPT, DROPPED, CHANGED }

    /** True when this option fails the step: dropped or changed without an exemption. */
    public boolean error() {
        return status != Status.KEPT && exemptReason == null;
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
