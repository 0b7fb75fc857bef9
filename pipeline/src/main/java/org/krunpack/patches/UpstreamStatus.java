package org.krunpack.patches;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Upstream-Status:} values a patch of ours may carry (the convention of OpenEmbedded,
 * which Fedora reviewers also read): a keyword, then an optional note in brackets.
 */
public final class UpstreamStatus {
    /** Keywords, in the order the docs list them. */
    public static final List<String> KEYWORDS = List.of("Pending", "Submitted", "Backport", "Accepted", "Denied",
            "Inactive-Upstream", "Inappropriate");
    /** Keywords whose bracketed note (the reason, or where) is required. */
    private static final List<String> NOTE_REQUIRED = List.of("Submitted", "Backport", "Denied", "Inappropriate");
    private static final Pattern VALUE = Pattern.compile("^([A-Za-z-]+)\\s*(?:\\[(.*)\\])?\\s*$");

    private UpstreamStatus() {
    }

    /** What is wrong with a value, or empty when it is fine. */
    public static Optional<String> problem(String value) {
        if (value == null) {
            return Optional.of("no 'Upstream-Status:' line before the diff; add one, e.g."
                    + " 'Upstream-Status: Inappropriate [krunpack-specific]' or 'Upstream-Status: Pending'");
        }
        Matcher m = VALUE.matcher(value);
        if (!m.matches() || !KEYWORDS.contains(m.group(1))) {
            return Optional.of("'Upstream-Status: " + value + "' must start with one of " + String.join(", ", KEYWORDS)
                    + ", optionally followed by a note in [brackets]");
        }
        if (NOTE_REQUIRED.contains(m.group(1)) && (m.group(2) == null || m.group(2).isBlank())) {
            return Optional.of("'Upstream-Status: " + value + "' needs a note in brackets ("
                    + (m.group(1).equals("Submitted") ? "where it was sent"
                    : m.group(1).equals("Backport") ? "the upstream version or commit" : "the reason") + ")");
        }
        return Optional.empty();
    }
}
