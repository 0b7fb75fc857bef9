package org.krunpack.kconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small reader of a kernel tree's Kconfig files, enough to <em>explain</em> why Kconfig dropped
 * an option: where each symbol is defined, its {@code depends on} (own, and inherited from
 * enclosing {@code if}, {@code menu ... depends on}/{@code visible if} and {@code choice} blocks),
 * whether it has a prompt, and who {@code select}s it. It never decides anything: resolution is
 * always done by the tree's own Kconfig ({@code make}).
 */
public final class KconfigTree {
    /**
     * One dependency clause a definition is subject to.
     *
     * @param kind  what kind of clause: {@code depends on}, {@code inside if},
     *              {@code inside menu "X" depends on}, {@code prompt visible if}, ...
     * @param text  the expression as written
     * @param expr  the parsed expression (null when krunpack could not parse it)
     * @param where file:line of the clause
     */
    public record Dep(String kind, String text, Expr expr, String where) {
        /** {@code depends on PCI && X86 (drivers/foo/Kconfig:12)}. */
        public String describe() {
            return kind + " " + text + " (" + where + ")";
        }
    }

    /**
     * One {@code config}/{@code menuconfig} block defining a symbol.
     *
     * @param prompt   true when the block gives the symbol a prompt (a user-settable symbol)
     * @param promptIf the prompt's {@code if} condition (null when unconditional)
     * @param inChoice true inside a {@code choice} block
     * @param ranges   {@code range} lines as written
     * @param defaults {@code default} and {@code def_bool}/{@code def_tristate} values as written
     * @param help     the help text (joined, at most 2000 characters), or ""
     */
    public record Definition(String symbol, String where, String type, boolean prompt, Dep promptIf,
                             List<Dep> deps, boolean inChoice, List<String> ranges, List<String> defaults,
                             String help) {
        /**
         * True when the value comes from probing the toolchain: no prompt, and a default computed by a
         * Kconfig macro ({@code $(cc-option,...)}, {@code $(shell,...)}, {@code $(success,...)} ...).
         */
        public boolean toolchainProbed() {
            return !prompt && defaults.stream().anyMatch(d -> d.contains("$("));
        }
    }

    /** A {@code select} (or {@code imply}) of a symbol by {@code selector}. */
    public record Select(String selector, String target, Dep condition, String where, boolean imply) {
    }

    private final Map<String, List<Definition>> definitions;
    private final Map<String, List<Select>> selectedBy;
    private final List<String> problems;

    private KconfigTree(Map<String, List<Definition>> definitions, Map<String, List<Select>> selectedBy,
                        List<String> problems) {
        this.definitions = definitions;
        this.selectedBy = selectedBy;
        this.problems = List.copyOf(problems);
    }

    /** Definitions of {@code symbol} (empty when this tree has no such symbol). */
    public List<Definition> definitions(String symbol) {
        return definitions.getOrDefault(symbol, List.of());
    }

    /** The {@code select}/{@code imply} lines naming {@code symbol}. */
    public List<Select> selectedBy(String symbol) {
        return selectedBy.getOrDefault(symbol, List.of());
    }

    public boolean exists(String symbol) {
        return definitions.containsKey(symbol);
    }

    public int symbolCount() {
        return definitions.size();
    }

    /** Things the reader could not follow (a missing sourced file, an unparsable expression). */
    public List<String> problems() {
        return problems;
    }

    /**
     * Reads {@code <tree>/Kconfig} and everything it sources, substituting {@code $(SRCARCH)}
     * (and {@code $(ARCH)}) with {@code srcArch}.
     */
    public static KconfigTree read(Path tree, String srcArch) {
        Reader r = new Reader(tree, Map.of("SRCARCH", srcArch, "ARCH", srcArch, "HEADER_ARCH", srcArch));
        r.file(tree.resolve("Kconfig"), "Kconfig", false);
        return new KconfigTree(r.definitions, r.selectedBy, r.problems);
    }

    /** The kernel's SRCARCH for an ARCH value (x86_64 → x86). */
    public static String srcArch(String kernelArch) {
        return switch (kernelArch) {
            case "x86_64", "i386" -> "x86";
            default -> kernelArch;
        };
    }

    private static final class Frame {
        final String kind;
        final List<Dep> deps = new ArrayList<>();

        Frame(String kind) {
            this.kind = kind;
        }
    }

    private static final class Entry {
        final String symbol;
        final String where;
        final List<Dep> inherited;
        final boolean inChoice;
        final List<Dep> deps = new ArrayList<>();
        final List<String> ranges = new ArrayList<>();
        final List<String> defaults = new ArrayList<>();
        String help = "";
        String type;
        boolean prompt;
        Dep promptIf;

        Entry(String symbol, String where, List<Dep> inherited, boolean inChoice) {
            this.symbol = symbol;
            this.where = where;
            this.inherited = inherited;
            this.inChoice = inChoice;
        }
    }

    private static final class Reader {
        private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'");
        private static final Pattern MACRO = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
        private static final Pattern IF_TAIL = Pattern.compile("^(.*?)\\s+if\\s+(.+)$");

        final Path tree;
        final Map<String, String> vars;
        final Map<String, List<Definition>> definitions = new HashMap<>();
        final Map<String, List<Select>> selectedBy = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        final Deque<Frame> frames = new ArrayDeque<>();
        int depth;

        /** The block whose attributes the current lines belong to: an Entry, a Frame, or null. */
        Object current;

        Reader(Path tree, Map<String, String> vars) {
            this.tree = tree;
            this.vars = vars;
        }

        void file(Path file, String display, boolean optional) {
            if (!Files.isRegularFile(file)) {
                if (!optional) {
                    problems.add(display + ": sourced but missing");
                }
                return;
            }
            if (++depth > 64) {
                problems.add(display + ": source nesting deeper than 64, stopped");
                depth--;
                return;
            }
            List<String> raw;
            try {
                raw = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(display + ": cannot read: " + e.getMessage());
                depth--;
                return;
            }
            finish();
            int i = 0;
            while (i < raw.size()) {
                int lineNo = i + 1;
                StringBuilder sb = new StringBuilder(raw.get(i));
                while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '\\' && i + 1 < raw.size()) {
                    sb.setLength(sb.length() - 1);
                    sb.append(' ').append(raw.get(++i));
                }
                i++;
                String line = stripComment(sb.toString()).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String kw = firstWord(line);
                String rest = line.substring(kw.length()).strip();
                String where = display + ":" + lineNo;
                if (kw.equals("help") || kw.equals("---help---")) {
                    int end = skipHelp(raw, i);
                    if (current instanceof Entry e) {
                        String text = String.join(" ", raw.subList(i, end)).strip().replaceAll("\\s+", " ");
                        e.help = text.length() > 2000 ? text.substring(0, 2000) : text;
                    }
                    i = end;
                    continue;
                }
                statement(kw, rest, where, file, display);
            }
            finish();
            depth--;
        }

        private void statement(String kw, String rest, String where, Path file, String display) {
            switch (kw) {
                case "config", "menuconfig" -> {
                    finish();
                    List<Dep> inherited = new ArrayList<>();
                    boolean inChoice = false;
                    // outermost first
                    var it = frames.descendingIterator();
                    while (it.hasNext()) {
                        Frame f = it.next();
                        inherited.addAll(f.deps);
                        inChoice |= f.kind.equals("choice");
                    }
                    current = new Entry(rest, where, inherited, inChoice);
                }
                case "choice" -> {
                    finish();
                    Frame f = new Frame("choice");
                    frames.push(f);
                    current = f;
                }
                case "menu" -> {
                    finish();
                    Frame f = new Frame("menu " + rest);
                    frames.push(f);
                    current = f;
                }
                case "if" -> {
                    finish();
                    Frame f = new Frame("if");
                    f.deps.add(dep(rest, "inside if", where));
                    frames.push(f);
                }
                case "endif", "endmenu", "endchoice" -> {
                    finish();
                    if (frames.isEmpty()) {
                        problems.add(where + ": '" + kw + "' without an open block");
                    } else {
                        frames.pop();
                    }
                }
                case "comment" -> {
                    finish();
                    current = new Frame("comment");
                }
                case "source", "osource", "rsource", "orsource" -> {
                    finish();
                    String path = expand(unquote(rest));
                    if (path.contains("$(")) {
                        problems.add(where + ": cannot expand '" + path + "', not followed");
                        return;
                    }
                    boolean relative = kw.startsWith("r") || kw.startsWith("or");
                    Path target = relative ? file.getParent().resolve(path) : tree.resolve(path);
                    String targetDisplay = tree.relativize(target.normalize()).toString();
                    file(target, targetDisplay, kw.startsWith("o"));
                }
                case "mainmenu", "endmainmenu" -> finish();
                default -> attribute(kw, rest, where);
            }
        }

        private void attribute(String kw, String rest, String where) {
            if (current instanceof Frame f) {
                if (kw.equals("depends") && rest.startsWith("on")) {
                    String e = rest.substring(2).strip();
                    String what = f.kind.equals("choice") ? "inside a choice that depends on"
                            : f.kind.startsWith("menu") ? "inside " + f.kind + " that depends on" : "depends on";
                    f.deps.add(dep(e, what, where));
                } else if (kw.equals("visible") && rest.startsWith("if")) {
                    String e = rest.substring(2).strip();
                    f.deps.add(dep(e, "inside " + f.kind + " visible if", where));
                }
                return;
            }
            if (!(current instanceof Entry e)) {
                return; // macro assignments and anything outside a block
            }
            switch (kw) {
                case "bool", "boolean", "tristate", "string", "hex", "int" -> {
                    e.type = kw.equals("boolean") ? "bool" : kw;
                    if (!rest.isEmpty()) {
                        prompt(e, rest, where);
                    }
                }
                case "def_bool", "def_tristate" -> {
                    e.type = kw.substring(4);
                    e.defaults.add(rest);
                }
                case "default" -> e.defaults.add(rest);
                case "prompt" -> prompt(e, rest, where);
                case "depends" -> {
                    if (rest.startsWith("on")) {
                        e.deps.add(dep(rest.substring(2).strip(), "depends on", where));
                    }
                }
                case "select", "imply" -> {
                    Matcher m = IF_TAIL.matcher(rest);
                    String target = m.matches() ? m.group(1).strip() : rest;
                    Dep cond = m.matches() ? dep(m.group(2), "select if", where) : null;
                    selectedBy.computeIfAbsent(target, k -> new ArrayList<>())
                            .add(new Select(e.symbol, target, cond, where, kw.equals("imply")));
                }
                case "range" -> e.ranges.add(rest);
                default -> {
                    // option, modules, transitional, ...: not needed to explain
                }
            }
        }

        private void prompt(Entry e, String rest, String where) {
            e.prompt = true;
            Matcher q = QUOTED.matcher(rest);
            if (q.lookingAt()) {
                String tail = rest.substring(q.end()).strip();
                if (tail.startsWith("if ") || tail.startsWith("if\t")) {
                    e.promptIf = dep(tail.substring(2).strip(), "prompt visible if", where);
                }
            }
        }

        private void finish() {
            if (current instanceof Entry e) {
                List<Dep> all = new ArrayList<>(e.inherited);
                all.addAll(e.deps);
                definitions.computeIfAbsent(e.symbol, k -> new ArrayList<>())
                        .add(new Definition(e.symbol, e.where, e.type, e.prompt, e.promptIf, List.copyOf(all),
                                e.inChoice, List.copyOf(e.ranges), List.copyOf(e.defaults), e.help));
            }
            current = null;
        }

        private Dep dep(String raw, String kind, String where) {
            String text = raw.strip().replaceAll("\\s+", " ");
            try {
                return new Dep(kind, text, ExprParser.parse(text), where);
            } catch (IllegalArgumentException ex) {
                problems.add(where + ": cannot parse '" + text + "': " + ex.getMessage());
                return new Dep(kind, text, null, where);
            }
        }

        private String expand(String s) {
            Matcher m = MACRO.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = vars.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        private static String unquote(String s) {
            Matcher q = QUOTED.matcher(s);
            if (q.lookingAt()) {
                return q.group(1) != null ? q.group(1) : q.group(2);
            }
            return s;
        }

        private static String firstWord(String line) {
            int j = 0;
            while (j < line.length() && !Character.isWhitespace(line.charAt(j))) {
                j++;
            }
            return line.substring(0, j);
        }

        /** Removes a {@code #} comment outside quotes and {@code $(...)}. */
        static String stripComment(String s) {
            char quote = 0;
            int paren = 0;
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (quote != 0) {
                    if (c == '\\') {
                        j++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '(') {
                    paren++;
                } else if (c == ')') {
                    paren = Math.max(0, paren - 1);
                } else if (c == '#' && paren == 0) {
                    return s.substring(0, j);
                }
            }
            return s;
        }

        /** Skips a help text: the lines indented at least as much as its first line (and blanks). */
        private static int skipHelp(List<String> raw, int i) {
            int first = i;
            while (first < raw.size() && raw.get(first).isBlank()) {
                first++;
            }
            if (first >= raw.size()) {
                return first;
            }
            int indent = indent(raw.get(first));
            int j = first;
            while (j < raw.size() && (raw.get(j).isBlank() || indent(raw.get(j)) >= indent)) {
                j++;
            }
            return j;
        }

        private static int indent(String s) {
            int w = 0;
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == ' ') {
                    w++;
                } else if (c == '\t') {
                    w = (w / 8 + 1) * 8;
                } else {
                    break;
                }
            }
            return w;
        }
    }
}
