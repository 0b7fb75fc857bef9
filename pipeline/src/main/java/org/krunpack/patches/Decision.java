package org.krunpack.patches;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A maintainer's decision about one of the release's patches, as the patch report and the JSON show
 * it.
 *
 * @param patch       the release patch's file name
 * @param action      "exclude", "replace" or "fuzz"
 * @param reason      the written reason
 * @param fuzz        the fuzz allowed (fuzz), else 0
 * @param original    the release's patch file
 * @param replacement the replacing file (replace), else null
 */
public record Decision(String patch, String action, String reason, int fuzz, Path original, Path replacement) {
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patch", patch);
        m.put("action", action);
        if (action.equals("fuzz")) {
            m.put("fuzz", fuzz);
        }
        if (replacement != null) {
            m.put("replacement", replacement.toString());
        }
        m.put("original", original == null ? null : original.toString());
        m.put("reason", reason);
        return m;
    }

    /** One line for the text report. */
    String describe() {
        return switch (action) {
            case "exclude" -> "EXCLUDED by decision: " + reason;
            case "replace" -> "replaced by " + replacement + ": " + reason;
            default -> "fuzz " + fuzz + " allowed by decision: " + reason;
        };
    }
}
