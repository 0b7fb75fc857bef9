package org.krunpack.release;

import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads variable assignments from a Makefile, enough for libkrunfw's and the kernel's top
 * Makefiles: {@code =} (recursive), {@code :=}/{@code ::=} (simple), {@code ?=} (if unset) and
 * {@code +=} (append), optionally prefixed by {@code export}/{@code override}; backslash
 * continuations; {@code #} comments; recipe lines (tab) and {@code define ... endef} blocks are
 * skipped. Conditionals are not evaluated: every assignment counts, in file order. References
 * {@code $(VAR)} and {@code ${VAR}} are expanded; an undefined variable expands to "", a function
 * call such as {@code $(shell ...)} makes the value unreadable (see {@link #get}).
 */
public final class MakefileVars {
    private static final Pattern ASSIGN = Pattern.compile(
            "^\\s*((?:(?:export|override)\\s+)*)([A-Za-z0-9_.\\-]+)\\s*(::=|:=|\\?=|\\+=|=)(.*)$");
    private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    /** A raw definition: simple values are stored expanded, recursive ones unexpanded. */
    private record Def(String value, boolean recursive, KrunpackException error) {
        Def(String value, boolean recursive) {
            this(value, recursive, null);
        }
    }

    private final String source;
    private final Map<String, Def> defs = new LinkedHashMap<>();

    private MakefileVars(String source) {
        this.source = source;
    }

    /** Reads a Makefile; an unreadable file is a usage error naming it. */
    public static MakefileVars read(Path makefile) {
        String text = new String(org.krunpack.core.Inputs.readBytes(makefile, org.krunpack.core.Inputs.TEXT_LIMIT,
                "Makefile"), StandardCharsets.ISO_8859_1);
        return parse(makefile.toString(), text);
    }

    /** Parses Makefile text; {@code source} names it in messages. */
    public static MakefileVars parse(String source, String text) {
        MakefileVars vars = new MakefileVars(source);
        String[] lines = text.split("\r?\n", -1);
        boolean inDefine = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("\t")) {
                // A recipe line; its continuations belong to it too.
                while (line.endsWith("\\") && i + 1 < lines.length) {
                    line = lines[++i];
                }
                continue;
            }
            StringBuilder logical = new StringBuilder();
            while (line.endsWith("\\") && !line.endsWith("\\\\") && i + 1 < lines.length) {
                logical.append(line.substring(0, line.length() - 1).stripTrailing()).append(' ');
                line = lines[++i].stripLeading();
            }
            logical.append(line);
            String l = stripComment(logical.toString());
            String trimmed = l.strip();
            if (inDefine) {
                if (trimmed.equals("endef")) {
                    inDefine = false;
                }
                continue;
            }
            if (trimmed.startsWith("define ") || trimmed.equals("define")) {
                inDefine = true;
                continue;
            }
            Matcher m = ASSIGN.matcher(l);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(2);
            String op = m.group(3);
            String value = m.group(4).strip();
            vars.assign(name, op, value);
        }
        return vars;
    }

    private void assign(String name, String op, String value) {
        switch (op) {
            case "=" -> defs.put(name, new Def(value, true));
            case ":=", "::=" -> defs.put(name, simple(value));
            case "?=" -> defs.putIfAbsent(name, new Def(value, true));
            case "+=" -> {
                Def old = defs.get(name);
                if (old == null) {
                    defs.put(name, new Def(value, true));
                } else if (old.recursive()) {
                    defs.put(name, new Def(join(old.value(), value), true));
                } else if (old.error() == null) {
                    Def add = simple(value);
                    defs.put(name, add.error() != null ? add : new Def(join(old.value(), add.value()), false));
                }
            }
            default -> throw new IllegalStateException(op);
        }
    }

    /** A simply-expanded value; one that cannot be evaluated fails only when it is asked for. */
    private Def simple(String value) {
        try {
            return new Def(expand(value, new ArrayDeque<>()), false);
        } catch (KrunpackException e) {
            return new Def(value, false, e);
        }
    }

    private static String join(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : a + " " + b;
    }

    private static String stripComment(String line) {
        int i = 0;
        while (true) {
            i = line.indexOf('#', i);
            if (i < 0) {
                return line;
            }
            if (i > 0 && line.charAt(i - 1) == '\\') {
                line = line.substring(0, i - 1) + line.substring(i);
                continue;
            }
            return line.substring(0, i);
        }
    }

    /** True when the variable is assigned anywhere in the file. */
    public boolean has(String name) {
        return defs.containsKey(name);
    }

    /**
     * The expanded value, or empty when the variable is not assigned.
     *
     * @throws KrunpackException (usage) when the value needs a Make function or refers to itself
     */
    public Optional<String> get(String name) {
        if (!defs.containsKey(name)) {
            return Optional.empty();
        }
        Deque<String> stack = new ArrayDeque<>();
        return Optional.of(value(name, stack).strip());
    }

    /** The value, or a usage error naming the file and the variable. */
    public String require(String name) {
        return get(name).orElseThrow(() -> KrunpackException.usage(source + ": " + name
                + " is not set (expected a line like '" + name + " = ...')"));
    }

    private String value(String name, Deque<String> stack) {
        Def d = defs.get(name);
        if (d == null) {
            return "";
        }
        if (d.error() != null) {
            throw d.error();
        }
        if (!d.recursive()) {
            return d.value();
        }
        if (stack.contains(name)) {
            throw KrunpackException.usage(source + ": " + name + " refers to itself (" + String.join(" -> ", stack)
                    + " -> " + name + ")");
        }
        stack.push(name);
        try {
            return expand(d.value(), stack);
        } finally {
            stack.pop();
        }
    }

    private String expand(String s, Deque<String> stack) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = s.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '(' || n == '{') {
                char close = n == '(' ? ')' : '}';
                int end = matching(s, i + 1, n, close);
                if (end < 0) {
                    throw KrunpackException.usage(source + ": unterminated reference in '" + s + "'");
                }
                String inner = expand(s.substring(i + 2, end), stack);
                if (!VAR_NAME.matcher(inner).matches()) {
                    throw KrunpackException.usage(source + ": cannot evaluate '" + s.substring(i, end + 1)
                            + "' (only plain $(VAR) references are understood"
                            + (stack.isEmpty() ? "" : ", in " + stack.peek()) + ")");
                }
                out.append(value(inner, stack));
                i = end + 1;
            } else {
                // $X: a one-character variable name.
                out.append(value(String.valueOf(n), stack));
                i += 2;
            }
        }
        return out.toString();
    }

    private static int matching(String s, int open, char o, char c) {
        int depth = 0;
        for (int j = open; j < s.length(); j++) {
            char ch = s.charAt(j);
            if (ch == o) {
                depth++;
            } else if (ch == c) {
                depth--;
                if (depth == 0) {
                    return j;
                }
            }
        }
        return -1;
    }
}
