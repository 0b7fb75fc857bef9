package org.krunpack.kconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compares what was requested with what Kconfig resolved, per symbol: a requested y/m/value
 * absent from the result is dropped, a different value is changed; =n against "is not set" or
 * absent is kept. Each dropped or changed option gets an explanation from the tree's Kconfig.
 */
public final class Verifier {
    private Verifier() {
    }

    public static List<OptionResult> verify(List<ConfigEntry> requested, Map<String, String> effective,
                                            KconfigTree tree) {
        return verify(requested, effective, () -> tree);
    }

    /**
     * As above, reading the tree's Kconfig files (a second or more on a real tree) only when an
     * option needs explaining.
     */
    public static List<OptionResult> verify(List<ConfigEntry> requested, Map<String, String> effective,
                                            Supplier<KconfigTree> tree) {
        Explainer[] explainer = new Explainer[1];
        List<OptionResult> out = new ArrayList<>();
        for (ConfigEntry r : requested) {
            String eff = effective.get(r.symbol());
            String effN = eff == null ? "n" : eff;
            OptionResult.Status status;
            if (sameValue(r.value(), effN)) {
                status = OptionResult.Status.KEPT;
            } else if (!r.isOff() && "n".equals(effN)) {
                status = OptionResult.Status.DROPPED;
            } else {
                status = OptionResult.Status.CHANGED;
            }
            String reason = null;
            if (status != OptionResult.Status.KEPT) {
                if (explainer[0] == null) {
                    explainer[0] = new Explainer(tree.get(), effective);
                }
                reason = explainer[0].explain(r);
            }
            out.add(new OptionResult(r.symbol(), r.value(), effN, status, r.where(), reason, r.exemptReason()));
        }
        return out;
    }

    /** Equal values; numbers compare by value (0x1000000 = 0x01000000), hex case-insensitively. */
    static boolean sameValue(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        boolean hexA = a.startsWith("0x") || a.startsWith("0X");
        boolean hexB = b.startsWith("0x") || b.startsWith("0X");
        if (hexA && hexB) {
            try {
                return Long.parseUnsignedLong(a.substring(2), 16) == Long.parseUnsignedLong(b.substring(2), 16);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }
}
