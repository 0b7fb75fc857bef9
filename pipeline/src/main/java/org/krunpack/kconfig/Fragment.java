package org.krunpack.kconfig;

import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kconfig fragment (or a whole .config): {@code CONFIG_X=<y|m|n|number|0xhex|"string">} and
 * {@code # CONFIG_X is not set} lines; other lines starting with {@code #} are comments, except
 * {@code # krunpack-exempt: <reason>}, which exempts the option on the next option line.
 *
 * @param name    display name used in messages ({@code 10-base.config})
 * @param entries options in file order (a symbol may repeat within one file; later wins)
 */
public record Fragment(String name, List<ConfigEntry> entries) {
    static final String SYMBOL = "[A-Za-z0-9_]+";
    private static final Pattern SET = Pattern.compile("CONFIG_(" + SYMBOL + ")=(.*)");
    private static final Pattern NOT_SET = Pattern.compile("#\\s*CONFIG_(" + SYMBOL + ") is not set\\s*");
    private static final Pattern EXEMPT = Pattern.compile("#\\s*krunpack-exempt:(.*)");
    private static final Pattern VALUE = Pattern.compile(
            "[ymn]|-?[0-9]+|0[xX][0-9a-fA-F]+|\"([^\"\\\\]|\\\\.)*\"");

    /**
     * This fragment with {@code exempt}'s reasons on its entries (symbol without {@code CONFIG_} →
     * reason); an entry's own {@code # krunpack-exempt:} reason stays. A symbol the fragment does
     * not set is a usage error naming {@code field}: an exemption must name an option of the config.
     */
    public Fragment withExemptions(java.util.Map<String, String> exempt, String field) {
        if (exempt.isEmpty()) {
            return this;
        }
        java.util.Set<String> set = new java.util.HashSet<>();
        entries.forEach(e -> set.add(e.symbol()));
        List<String> unknown = exempt.keySet().stream().filter(k -> !set.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw org.krunpack.core.KrunpackException.usage(field + ": " + unknown.stream().map(u -> "CONFIG_" + u)
                    .collect(java.util.stream.Collectors.joining(", ")) + " not set by " + name
                    + ": an exemption names an option of the config it accepts a difference of; remove it");
        }
        return new Fragment(name, entries.stream().map(e -> e.exemptReason() == null && exempt.containsKey(e.symbol())
                ? new ConfigEntry(e.symbol(), e.value(), e.file(), e.line(), exempt.get(e.symbol())) : e).toList());
    }

    /** Reads and parses a file; a syntax error is a usage error (exit 2) naming file:line. */
    public static Fragment read(Path file, String name) {
        return parse(name, org.krunpack.core.Inputs.readText(file, org.krunpack.core.Inputs.TEXT_LIMIT,
                "config fragment " + name));
    }

    /** Parses fragment text; every bad line is reported at once (exit 2), each as name:line. */
    public static Fragment parse(String name, String text) {
        List<ConfigEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String pendingExempt = null;
        int pendingExemptLine = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String trimmed = line.strip();
            Matcher m;
            if (trimmed.isEmpty()) {
                continue;
            }
            if ((m = EXEMPT.matcher(trimmed)).matches()) {
                String reason = m.group(1).strip();
                if (reason.isEmpty()) {
                    problems.add(name + ":" + lineNo + ": '# krunpack-exempt:' needs a reason after the colon");
                } else if (pendingExempt != null) {
                    problems.add(name + ":" + lineNo + ": a second '# krunpack-exempt:' line before any option"
                            + " (the first is at line " + pendingExemptLine + ")");
                }
                pendingExempt = reason.isEmpty() ? null : reason;
                pendingExemptLine = lineNo;
                continue;
            }
            String symbol;
            String value;
            if ((m = NOT_SET.matcher(trimmed)).matches()) {
                symbol = m.group(1);
                value = "n";
            } else if (trimmed.startsWith("#")) {
                continue;
            } else if ((m = SET.matcher(trimmed)).matches()) {
                symbol = m.group(1);
                value = m.group(2).strip();
                if (!VALUE.matcher(value).matches()) {
                    problems.add(name + ":" + lineNo + ": CONFIG_" + symbol + ": bad value '" + value
                            + "' (expected y, m, n, a number, 0x-hex or a \"quoted string\")");
                    pendingExempt = null;
                    continue;
                }
            } else {
                problems.add(name + ":" + lineNo + ": not a config line: '" + abbreviate(trimmed)
                        + "' (expected CONFIG_X=value, '# CONFIG_X is not set' or a # comment)");
                pendingExempt = null;
                continue;
            }
            entries.add(new ConfigEntry(symbol, value, name, lineNo, pendingExempt));
            pendingExempt = null;
        }
        if (pendingExempt != null) {
            problems.add(name + ":" + pendingExemptLine + ": '# krunpack-exempt:' is not followed by an option");
        }
        if (!problems.isEmpty()) {
            throw new KrunpackException(org.krunpack.core.ExitCode.USAGE,
                    name + ": bad fragment syntax:\n  - " + String.join("\n  - ", problems), problems, null);
        }
        return new Fragment(name, List.copyOf(entries));
    }

    /**
     * Reads a whole .config as Kconfig wrote it (lenient: every line that is not an option is
     * ignored). Returns symbol → value, n for "is not set".
     */
    public static java.util.Map<String, String> readEffective(Path dotConfig) {
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        List<String> lines = org.krunpack.core.Inputs.readText(dotConfig, org.krunpack.core.Inputs.TEXT_LIMIT,
                "kernel config").lines().toList();
        for (String line : lines) {
            Matcher m;
            if ((m = NOT_SET.matcher(line.strip())).matches()) {
                values.put(m.group(1), "n");
            } else if ((m = SET.matcher(line.strip())).matches()) {
                values.put(m.group(1), m.group(2).strip());
            }
        }
        return values;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
