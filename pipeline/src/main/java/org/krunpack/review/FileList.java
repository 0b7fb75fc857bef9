package org.krunpack.review;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files a spec packages, read from its expanded text ({@code rpmspec -P}): every path of every
 * {@code %files} section (directives removed, braces expanded, globs as patterns; a directory
 * covers what is under it unless it is a {@code %dir}), the paths its {@code %install} removes
 * from the buildroot, and the variables it passes to {@code make install}.
 */
final class FileList {
    /** What rpmspec is told %{buildroot} is, so the spec's %install lines can be read. */
    static final String BUILDROOT = "/krunpack-review-buildroot";
    private static final Pattern DIRECTIVE = Pattern.compile("^%(attr|defattr|config|verify|lang|caps|docdir)\\([^)]*\\)\\s*"
            + "|^%(config|doc|license|dir|ghost|exclude|artifact|readme|missingok)\\b\\s*");
    private static final Pattern ASSIGNMENT = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=.*");

    private record Entry(Pattern pattern, boolean dirOnly) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Pattern> removed = new ArrayList<>();
    private final List<String> makeArgs = new ArrayList<>();
    private String unknown;

    private FileList() {
    }

    static FileList of(SpecFile expanded) {
        FileList f = new FileList();
        for (SpecFile.Section s : expanded.sections("files")) {
            if (s.arg().matches("(^|.*\\s)-f\\s.*")) {
                f.unknown = "%files " + s.arg() + ": the list file is written during the build";
            }
            for (int n = s.startLine() + 1; n <= s.endLine(); n++) {
                f.filesLine(expanded.line(n).strip());
            }
        }
        for (SpecFile.Section s : expanded.sections("install")) {
            StringBuilder joined = new StringBuilder();
            for (int n = s.startLine() + 1; n <= s.endLine(); n++) {
                String l = expanded.line(n);
                if (l.endsWith("\\")) {
                    joined.append(l, 0, l.length() - 1).append(' ');
                    continue;
                }
                joined.append(l);
                f.installLine(joined.toString().strip());
                joined.setLength(0);
            }
        }
        return f;
    }

    private void filesLine(String l) {
        if (l.isEmpty() || l.startsWith("#") || l.startsWith("%if") || l.startsWith("%else") || l.startsWith("%endif")) {
            return;
        }
        boolean dir = false;
        boolean docOrLicense = false;
        String rest = l;
        for (var m = DIRECTIVE.matcher(rest); m.find(); m = DIRECTIVE.matcher(rest)) {
            String d = m.group().strip();
            dir |= d.equals("%dir");
            docOrLicense |= d.startsWith("%doc") || d.startsWith("%license");
            rest = rest.substring(m.end());
        }
        for (String path : UpstreamSource.words(rest)) {
            if (!path.startsWith("/")) {
                continue; // %doc/%license files from the build directory
            }
            for (String p : braces(path)) {
                entries.add(new Entry(glob(p), dir && !docOrLicense));
            }
        }
    }

    private void installLine(String l) {
        List<String> w = UpstreamSource.words(l);
        if (w.isEmpty()) {
            return;
        }
        String cmd = w.get(0).replaceFirst(".*/", "");
        if (cmd.equals("rm")) {
            for (String a : w.subList(1, w.size())) {
                String p = a.startsWith(BUILDROOT) ? a.substring(BUILDROOT.length())
                        : a.replaceFirst("^\\$\\{?RPM_BUILD_ROOT\\}?", "");
                if (!p.equals(a) || a.startsWith(BUILDROOT)) {
                    braces(p).forEach(x -> removed.add(glob(x)));
                }
            }
        }
        if ((cmd.equals("make") || cmd.equals("gmake")) && w.contains("install")) {
            for (String a : w.subList(1, w.size())) {
                if (ASSIGNMENT.matcher(a).matches() && !a.startsWith("DESTDIR=")) {
                    makeArgs.add(a);
                }
            }
        }
    }

    /** Why the packaged files cannot be known from the spec, if they cannot. */
    Optional<String> unknown() {
        return Optional.ofNullable(unknown);
    }

    /** VAR=VALUE arguments the spec gives {@code make install}. */
    List<String> makeArgs() {
        return makeArgs;
    }

    /** True when a %files entry (or a directory above it) lists {@code path}, or %install removes it. */
    boolean covers(String path) {
        for (Pattern r : removed) {
            if (r.matcher(path).matches()) {
                return true;
            }
        }
        for (Entry e : entries) {
            if (e.pattern().matcher(path).matches()) {
                return true;
            }
            if (!e.dirOnly()) {
                for (String a = parent(path); a != null; a = parent(a)) {
                    if (e.pattern().matcher(a).matches()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String parent(String p) {
        int i = p.lastIndexOf('/');
        return i <= 0 ? null : p.substring(0, i);
    }

    /** Shell brace expansion, as rpm's %files does it ({@code a{,.*}} is {@code a} and {@code a.*}). */
    static List<String> braces(String s) {
        int open = s.indexOf('{');
        if (open < 0) {
            return List.of(s);
        }
        int depth = 0;
        List<Integer> commas = new ArrayList<>();
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    if (commas.isEmpty()) {
                        return List.of(s);
                    }
                    List<String> out = new ArrayList<>();
                    int from = open + 1;
                    commas.add(i);
                    for (int c2 : commas) {
                        out.addAll(braces(s.substring(0, open) + s.substring(from, c2) + s.substring(i + 1)));
                        from = c2 + 1;
                    }
                    return out;
                }
            } else if (c == ',' && depth == 1) {
                commas.add(i);
            }
        }
        return List.of(s);
    }

    /** A %files glob as a regex: * and ? stay within one path component. */
    static Pattern glob(String pattern) {
        String g = pattern.replaceAll("/+", "/");
        if (g.length() > 1 && g.endsWith("/")) {
            g = g.substring(0, g.length() - 1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> sb.append("[^/]*");
                case '?' -> sb.append("[^/]");
                case '[' -> {
                    int end = g.indexOf(']', i + 1);
                    if (end > i) {
                        sb.append('[').append(g, i + 1, end).append(']');
                        i = end;
                    } else {
                        sb.append("\\[");
                    }
                }
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }
}
