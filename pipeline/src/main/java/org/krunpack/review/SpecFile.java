package org.krunpack.review;

import org.krunpack.core.Inputs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A light spec-file parser that keeps line numbers for evidence: preamble tags (per package),
 * sections, conditionals and locally defined macros. It does not expand rpm's macro language; only
 * the spec's own %global/%define and the name/version tags are substituted by {@link #expand}.
 */
public final class SpecFile {
    private static final Pattern TAG = Pattern.compile("^([A-Za-z][A-Za-z0-9]*)(\\([^)]*\\))?\\s*:\\s*(.*)$");
    private static final Pattern SECTION = Pattern.compile(
            "^%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun|postun"
                    + "|pretrans|posttrans|triggerin|triggerun|triggerpostun|filetriggerin|filetriggerun"
                    + "|transfiletriggerin|transfiletriggerun|generate_buildrequires|conf|verifyscript)(\\s.*)?$");
    private static final Pattern MACRO_DEF = Pattern.compile("^%(global|define)\\s+(\\S+?)(\\(.*?\\))?\\s+(.*)$");
    private static final Pattern REF = Pattern.compile("%\\{\\??([A-Za-z_][A-Za-z0-9_]*)\\}|%([A-Za-z_][A-Za-z0-9_]*)");

    /** A preamble tag: lower-case name ("source1", "requires"), raw value, 1-based line, package. */
    public record Tag(String name, String qualifier, String value, int line, String pkg, boolean conditional) {
    }

    /** A section from its header line up to (excluding) the next section; {@code arg} is the rest. */
    public record Section(String kind, String arg, int startLine, int endLine) {
    }

    /** A macro definition: global or define, with its line. */
    public record MacroDef(String kind, String name, String value, int line) {
    }

    private final Path path;
    private final String label;
    private final List<String> lines;
    private final List<Integer> nonUtf8Lines;
    private final int crlfLines;
    private final List<Tag> tags = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final List<MacroDef> macros = new ArrayList<>();
    private final boolean[] conditional;

    private SpecFile(Path path, String label, List<String> lines, List<Integer> nonUtf8Lines, int crlfLines) {
        this.path = path;
        this.label = label;
        this.lines = lines;
        this.nonUtf8Lines = List.copyOf(nonUtf8Lines);
        this.crlfLines = crlfLines;
        this.conditional = new boolean[lines.size() + 2];
        parse();
    }

    /** Reads a spec (a regular file, at most 4 MiB); evidence names it {@code path} as given. */
    public static SpecFile read(Path path) {
        return read(path, path.toString());
    }

    /** Reads a spec; evidence names it {@code label} (e.g. "x.src.rpm:x.spec"). */
    public static SpecFile read(Path path, String label) {
        return parse(path, label, Inputs.readBytes(path, Inputs.TEXT_LIMIT, "spec file"));
    }

    public static SpecFile parse(Path path, String text) {
        return parse(path, path.toString(), text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Splits the bytes into lines (LF; a trailing CR is dropped and counted) and decodes each as
     * UTF-8, or as ISO-8859-1 when it is not valid UTF-8 (the line is remembered: rpm and Fedora
     * expect UTF-8, but one Latin-1 byte must not stop a review).
     */
    public static SpecFile parse(Path path, String label, byte[] bytes) {
        List<String> lines = new ArrayList<>();
        List<Integer> latin1 = new ArrayList<>();
        int crlf = 0;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i;
                if (end > start && bytes[end - 1] == '\r') {
                    end--;
                    crlf++;
                }
                byte[] line = java.util.Arrays.copyOfRange(bytes, start, end);
                try {
                    lines.add(StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(line)).toString());
                } catch (java.nio.charset.CharacterCodingException e) {
                    lines.add(new String(line, StandardCharsets.ISO_8859_1));
                    latin1.add(lines.size());
                }
                start = i + 1;
            }
        }
        return new SpecFile(path, label, lines, latin1, crlf);
    }

    /** Line numbers (1-based) whose bytes are not valid UTF-8 (decoded as ISO-8859-1). */
    public List<Integer> nonUtf8Lines() {
        return nonUtf8Lines;
    }

    /** Lines that ended in CR LF. */
    public int crlfLines() {
        return crlfLines;
    }

    /** How evidence names this spec: the path as the user gave it, or "srpm:name.spec". */
    public String label() {
        return label;
    }

    private void parse() {
        int depth = 0;
        String pkg = "";
        String kind = "preamble";
        String arg = "";
        int start = 1;
        for (int i = 0; i < lines.size(); i++) {
            int n = i + 1;
            String l = lines.get(i).strip();
            if (l.matches("^%if(arch|narch|os|nos)?(\\s.*)?$")) {
                depth++;
                conditional[n] = true;
                continue;
            }
            if (l.matches("^%endif.*")) {
                depth = Math.max(0, depth - 1);
                conditional[n] = true;
                continue;
            }
            conditional[n] = depth > 0;
            Matcher sm = SECTION.matcher(l);
            if (sm.matches()) {
                sections.add(new Section(kind, arg, start, n - 1));
                kind = sm.group(1);
                arg = sm.group(2) == null ? "" : sm.group(2).strip();
                start = n;
                if (kind.equals("package")) {
                    pkg = subpackageName(arg);
                }
                continue;
            }
            Matcher mm = MACRO_DEF.matcher(l);
            if (mm.matches()) {
                macros.add(new MacroDef(mm.group(1), mm.group(2), mm.group(4).strip(), n));
                continue;
            }
            if (kind.equals("preamble") || kind.equals("package")) {
                Matcher tm = TAG.matcher(l);
                if (tm.matches()) {
                    String q = tm.group(2) == null ? "" : tm.group(2);
                    tags.add(new Tag(tm.group(1).toLowerCase(Locale.ROOT), q, tm.group(3).strip(), n, pkg, depth > 0));
                }
            }
        }
        sections.add(new Section(kind, arg, start, lines.size()));
    }

    /** "devel" for {@code %package devel}, "-n foo" stays "-n foo". */
    private static String subpackageName(String arg) {
        String a = arg.strip();
        return a.startsWith("-n ") ? "-n " + a.substring(3).strip() : a;
    }

    public Path path() {
        return path;
    }

    public List<String> lines() {
        return lines;
    }

    /** Line {@code n} (1-based). */
    public String line(int n) {
        return lines.get(n - 1);
    }

    public List<Tag> tags() {
        return tags;
    }

    public List<Section> sections() {
        return sections;
    }

    public List<Section> sections(String kind) {
        return sections.stream().filter(s -> s.kind().equals(kind)).toList();
    }

    public List<MacroDef> macros() {
        return macros;
    }

    public boolean conditional(int line) {
        return conditional[line];
    }

    /** Tags of the main package (not of a subpackage). */
    public List<Tag> mainTags(String name) {
        return tags.stream().filter(t -> t.pkg().isEmpty() && t.name().equals(name)).toList();
    }

    public Optional<Tag> tag(String name) {
        return mainTags(name).stream().findFirst();
    }

    /** The name of the package, expanded. */
    public String name() {
        return tag("name").map(t -> expand(t.value())).orElse("");
    }

    /** Full package name of a {@code %package} argument ("devel" → "libfoo-devel"). */
    public String packageName(String pkg) {
        if (pkg.isEmpty()) {
            return name();
        }
        if (pkg.startsWith("-n ")) {
            return expand(pkg.substring(3).strip());
        }
        return name() + "-" + expand(pkg);
    }

    /** Source and patch tags ("source", "source0", "patch1", ...) in file order. */
    public List<Tag> sourcesAndPatches() {
        return tags.stream().filter(t -> t.name().matches("(source|patch)\\d*")).toList();
    }

    /** The run of comment lines directly above {@code line} (none when a blank line intervenes). */
    public List<String> commentAbove(int line) {
        List<String> out = new ArrayList<>();
        for (int n = line - 1; n >= 1; n--) {
            String l = line(n).strip();
            if (l.startsWith("#")) {
                out.add(0, l);
            } else if (conditional[n] && (l.startsWith("%if") || l.startsWith("%endif") || l.startsWith("%else"))) {
                continue;
            } else {
                break;
            }
        }
        return out;
    }

    /** Substitutes the spec's own macros, name, version and release (not rpm's built-ins). */
    public String expand(String text) {
        Map<String, String> defs = new HashMap<>();
        for (MacroDef m : macros) {
            defs.putIfAbsent(m.name(), m.value());
        }
        for (Tag t : tags) {
            if (t.pkg().isEmpty() && (t.name().equals("name") || t.name().equals("version")
                    || t.name().equals("release") || t.name().equals("url"))) {
                defs.putIfAbsent(t.name(), t.value());
            }
        }
        String s = text;
        for (int round = 0; round < 10; round++) {
            Matcher m = REF.matcher(s);
            StringBuilder sb = new StringBuilder();
            boolean changed = false;
            while (m.find()) {
                String key = m.group(1) != null ? m.group(1) : m.group(2);
                String v = defs.get(key);
                if (v != null) {
                    m.appendReplacement(sb, Matcher.quoteReplacement(v));
                    changed = true;
                } else {
                    m.appendReplacement(sb, Matcher.quoteReplacement(m.group()));
                }
            }
            m.appendTail(sb);
            s = sb.toString();
            if (!changed) {
                break;
            }
        }
        return s;
    }

    /** "file:line: text" for evidence. */
    public String at(int line) {
        return label + ":" + line + ": " + line(line).strip();
    }
}
