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

    private static final java.util.regex.Pattern DEP_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]*(\\([A-Za-z0-9._+:/-]+\\))?");
    private static final java.util.Set<String> OPS = java.util.Set.of("<", "<=", "=", ">=", ">");
    private static final java.util.Set<String> RICH_WORDS = java.util.Set.of("and", "or", "if", "else", "with",
            "without", "unless");

    /**
     * A dependency as RPM's grammar has it: {@code NAME [OP EVR]} where NAME may carry one
     * parenthesised argument ({@code pkgconfig(libcap)}, {@code crate(libc/default)}), or a rich
     * dependency in parentheses ({@code (crate(libc) >= 0.2 with crate(libc) < 0.3)}). No macros:
     * a model value never needs one, and {@code %} is how a spec runs code.
     */
    public static Optional<String> checkDependency(String dep) {
        for (int i = 0; i < dep.length(); i++) {
            char c = dep.charAt(i);
            if (!(isAsciiAlnum(c) || "._+-/:()<>= ~^".indexOf(c) >= 0)) {
                return Optional.of("contains " + describe(c) + " at position " + (i + 1) + " (a dependency allows"
                        + " ASCII letters, digits, ( ) and . _ + - / : < > = ~ ^; no macros)");
            }
        }
        String d = dep.strip();
        if (d.startsWith("(")) {
            return checkRich(d);
        }
        String[] parts = d.split(" +");
        if (!DEP_NAME.matcher(parts[0]).matches()) {
            return Optional.of("has no package name like 'gcc' or 'pkgconfig(libcap)' first");
        }
        if (parts.length == 1) {
            return Optional.empty();
        }
        if (parts.length != 3 || !OPS.contains(parts[1])) {
            return Optional.of("is not 'NAME', or 'NAME OP VERSION' with OP one of " + new java.util.TreeSet<>(OPS));
        }
        return checkEvr(parts[2]).map(m -> "version " + m);
    }

    private static Optional<String> checkRich(String d) {
        int depth = 0;
        java.util.List<String> tokens = new java.util.ArrayList<>();
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return Optional.of("has unbalanced parentheses");
            }
            if (c == ' ' || c == '(' || c == ')') {
                if (t.length() > 0) {
                    tokens.add(t.toString());
                    t.setLength(0);
                }
            } else {
                t.append(c);
            }
        }
        if (depth != 0) {
            return Optional.of("has unbalanced parentheses");
        }
        for (String tok : tokens) {
            if (!(RICH_WORDS.contains(tok) || OPS.contains(tok) || DEP_NAME.matcher(tok).matches()
                    || tok.matches("[A-Za-z0-9._+:~^/-]+"))) {
                return Optional.of("has '" + tok + "', which a rich dependency has not");
            }
        }
        return Optional.empty();
    }
}
