package org.krunpack.specgen;

import java.util.Optional;

/**
 * RPM's grammar for the values a spec's preamble takes. Each check returns the problem (naming the
 * offending character and its position) or empty when the value is fine.
 *
 * <ul>
 *   <li>name: ASCII letters, digits and {@code - . _ + %{}}; must start with a letter or digit
 *       (Fedora's naming guideline; RPM itself refuses whitespace and the comparison characters);</li>
 *   <li>version and release: ASCII letters, digits and {@code . _ + ~ ^}; no {@code -} (it separates
 *       version from release); must start with a letter or digit;</li>
 *   <li>EVR: {@code [epoch:]version[-release]}, epoch digits only.</li>
 * </ul>
 */
public final class RpmGrammar {
    private RpmGrammar() {
    }

    public static Optional<String> checkName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is empty");
        }
        if (!Character.isLetterOrDigit(name.charAt(0)) || name.charAt(0) > 127) {
            return Optional.of("must start with an ASCII letter or digit, not " + describe(name.charAt(0)));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isAsciiAlnum(c) || "-._+".indexOf(c) >= 0)) {
                return Optional.of("contains " + describe(c) + " at position " + (i + 1)
                        + " (allowed: ASCII letters, digits and - . _ +)");
            }
        }
        return Optional.empty();
    }

    public static Optional<String> checkVersion(String version) {
        return checkVersionLike(version, "version");
    }

    public static Optional<String> checkRelease(String release) {
        return checkVersionLike(release, "release");
    }

    private static Optional<String> checkVersionLike(String v, String what) {
        if (v == null || v.isEmpty()) {
            return Optional.of("is empty");
        }
        if (!isAsciiAlnum(v.charAt(0))) {
            return Optional.of("must start with an ASCII letter or digit, not " + describe(v.charAt(0)));
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '-') {
                return Optional.of("contains '-' at position " + (i + 1) + " (RPM separates version and"
                        + " release with '-'; use '~' for pre-releases or '.' or '_')");
            }
            if (!(isAsciiAlnum(c) || "._+~^".indexOf(c) >= 0)) {
                return Optional.of("contains " + describe(c) + " at position " + (i + 1)
                        + " (a " + what + " allows ASCII letters, digits and . _ + ~ ^)");
            }
        }
        return Optional.empty();
    }

    /** {@code [epoch:]version[-release]}. */
    public static Optional<String> checkEvr(String evr) {
        if (evr == null || evr.isEmpty()) {
            return Optional.of("is empty");
        }
        String rest = evr;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            String epoch = rest.substring(0, colon);
            if (epoch.isEmpty() || !epoch.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.of("epoch '" + epoch + "' must be digits");
            }
            rest = rest.substring(colon + 1);
        }
        int dash = rest.lastIndexOf('-');
        String version = dash >= 0 ? rest.substring(0, dash) : rest;
        Optional<String> v = checkVersion(version).map(p -> "version part " + p);
        if (v.isPresent() || dash < 0) {
            return v;
        }
        return checkRelease(rest.substring(dash + 1)).map(p -> "release part " + p);
    }

    static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** A character as a reader can recognise it: {@code ' ' (space)}, {@code '\n' (newline)}, U+00E9. */
    static String describe(char c) {
        return switch (c) {
            case ' ' -> "' ' (space)";
            case '\t' -> "'\\t' (tab)";
            case '\n' -> "'\\n' (newline)";
            case '\r' -> "'\\r' (carriage return)";
            default -> c < 32 || c > 126 ? String.format("U+%04X", (int) c) : "'" + c + "'";
        };
    }
}
