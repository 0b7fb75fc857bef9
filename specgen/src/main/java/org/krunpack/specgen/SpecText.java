package org.krunpack.specgen;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Spec-syntax helpers: escaping free text, changelog headers, licence expressions. */
public final class SpecText {
    private static final DateTimeFormatter CHANGELOG_DATE = DateTimeFormatter.ofPattern("EEE MMM dd yyyy", Locale.ENGLISH);

    private SpecText() {
    }

    /**
     * Makes free text literal in a spec: every {@code %} becomes {@code %%} so rpm neither expands
     * {@code %{buildroot}} nor chokes on {@code 100%}. Newlines are refused by the validator earlier.
     */
    public static String escape(String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a spec line cannot hold a newline: " + text);
        }
        return noContinuation(text.replace("%", "%%"));
    }

    /**
     * A line ending in a backslash would continue onto the next spec line (at the end of the file
     * rpm fails with "bad line continuation"): a space after it keeps the text and ends the line.
     */
    static String noContinuation(String line) {
        return line.endsWith("\\") ? line + " " : line;
    }

    /** {@code * Wed Nov 25 2026 Name <email> - 5.5.0-1}, Fedora's changelog header. */
    public static String changelogHeader(PackageModel.ChangelogEntry e) {
        return "* " + CHANGELOG_DATE.format(LocalDate.parse(e.date())) + " " + escape(e.author()) + " - " + e.evr();
    }

    /**
     * The licence of a binary that statically links {@code crates}: the package's own licence AND
     * each distinct crate licence (parenthesised when it is a choice), sorted for a stable output.
     */
    public static String combinedLicense(String own, List<PackageModel.Crate> crates) {
        Set<String> terms = new LinkedHashSet<>(terms(own));
        Set<String> others = new TreeSet<>((a, b) -> {
            boolean pa = a.startsWith("("), pb = b.startsWith("(");
            return pa != pb ? (pa ? 1 : -1) : a.compareTo(b);
        });
        for (PackageModel.Crate c : crates) {
            if (!c.license().isBlank()) { // unknown: the spec's FIXME says so
                others.addAll(terms(c.license()));
            }
        }
        others.removeAll(terms);
        terms.addAll(others);
        return String.join(" AND ", terms);
    }

    /** Splits a top-level AND; a term with OR/WITH is parenthesised. */
    static List<String> terms(String expr) {
        List<String> out = new ArrayList<>();
        String e = expr.strip();
        if (e.contains("(")) {
            out.add(e.contains(" OR ") || e.contains(" AND ") ? "(" + stripParens(e) + ")" : e);
            return out;
        }
        for (String t : e.split(" AND ")) {
            t = t.strip();
            if (t.contains(" OR ")) {
                // a choice is the same choice in any order: sort its operands so duplicates meet
                t = String.join(" OR ", new TreeSet<>(List.of(t.split(" OR "))));
            }
            out.add(t.contains(" OR ") || t.contains(" WITH ") ? "(" + t + ")" : t);
        }
        return out;
    }

    private static String stripParens(String e) {
        return e.startsWith("(") && e.endsWith(")") ? e.substring(1, e.length() - 1) : e;
    }

    /** Wraps text into lines of at most {@code width} characters (a longer word stays whole). */
    public static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.add(noContinuation(line.toString()));
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            out.add(noContinuation(line.toString()));
        }
        return out;
    }

    /** Escaped, wrapped comment lines, each starting with {@code "# "}. */
    public static List<String> comment(String text) {
        return wrap(escape(text), 78).stream().map(l -> "# " + l).toList();
    }
}
