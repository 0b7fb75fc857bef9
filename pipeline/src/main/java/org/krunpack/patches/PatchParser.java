package org.krunpack.patches;

import org.krunpack.core.KrunpackException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a patch file: mail-style headers ({@code From:}, {@code Subject:}, an
 * {@code Upstream-Status:} line anywhere before the first diff) and unified diffs, plain or with
 * git headers (new/deleted files, modes, renames, copies). Paths lose one leading component, as
 * with {@code patch -p1}. Binary patches and quoted file names are refused with the line.
 */
public final class PatchParser {
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@ ?(.*)$");
    private static final Pattern SUBJECT_PREFIX = Pattern.compile("^(\\[[^\\]]*\\]\\s*)+");
    private static final Pattern UPSTREAM_STATUS = Pattern.compile("^Upstream-Status:\\s*(.*?)\\s*$",
            Pattern.CASE_INSENSITIVE);

    private final String where;
    private final String[] lines;
    private int pos;

    private PatchParser(String where, String text) {
        this.where = where;
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        this.lines = t.isEmpty() ? new String[0] : t.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].endsWith("\r")) {
                lines[i] = lines[i].substring(0, lines[i].length() - 1); // a CRLF patch (GNU patch copes too)
            }
        }
    }

    /**
     * Parses {@code text}, read from {@code file}.
     *
     * @throws KrunpackException (usage) naming the file and line when the patch is malformed
     */
    public static Patch parse(Path file, Patch.Origin origin, String text) {
        String name = file.getFileName().toString();
        return new PatchParser(file.toString(), text).parse(name, file, origin);
    }

    private Patch parse(String name, Path file, Patch.Origin origin) {
        String from = null;
        String subject = null;
        String status = null;
        while (pos < lines.length && !atFileStart()) {
            String l = lines[pos];
            if (from == null && l.startsWith("From: ")) {
                from = l.substring(6).strip();
            } else if (subject == null && l.startsWith("Subject: ")) {
                StringBuilder s = new StringBuilder(l.substring(9).strip());
                while (pos + 1 < lines.length && !lines[pos + 1].isEmpty()
                        && (lines[pos + 1].charAt(0) == ' ' || lines[pos + 1].charAt(0) == '\t')) {
                    s.append(' ').append(lines[++pos].strip());
                }
                subject = SUBJECT_PREFIX.matcher(s.toString()).replaceFirst("");
            } else if (status == null) {
                Matcher m = UPSTREAM_STATUS.matcher(l);
                if (m.matches()) {
                    status = m.group(1);
                }
            }
            pos++;
        }
        List<FilePatch> files = new ArrayList<>();
        while (pos < lines.length) {
            if (lines[pos].startsWith("diff --git ")) {
                files.add(gitSection());
            } else if (isPlainHeader()) {
                files.add(plainSection());
            } else {
                String l = lines[pos];
                if (l.startsWith("Binary files ") || l.equals("GIT binary patch")) {
                    throw error("binary patches are not supported; turn the change into a text patch");
                }
                pos++; // text between files or after the last one (e.g. a mail signature)
            }
        }
        if (files.isEmpty()) {
            throw KrunpackException.usage(where + ": no unified diff found (expected '--- a/FILE', '+++ b/FILE'"
                    + " and '@@' hunks, or 'diff --git' sections)");
        }
        return new Patch(name, file, origin, from, subject, status, files);
    }

    private boolean atFileStart() {
        return lines[pos].startsWith("diff --git ") || isPlainHeader();
    }

    private boolean isPlainHeader() {
        return lines[pos].startsWith("--- ") && pos + 1 < lines.length && lines[pos + 1].startsWith("+++ ")
                && pos + 2 < lines.length && lines[pos + 2].startsWith("@@ ");
    }

    private FilePatch gitSection() {
        int start = pos + 1;
        String header = lines[pos].substring("diff --git ".length());
        if (header.startsWith("\"")) {
            throw error("quoted file names are not supported");
        }
        int split = header.indexOf(" b/");
        String oldPath = split < 0 ? null : checkPath(strip(header.substring(0, split)));
        String newPath = split < 0 ? null : checkPath(header.substring(split + 3));
        FilePatch.Kind kind = FilePatch.Kind.MODIFY;
        String newMode = null;
        pos++;
        while (pos < lines.length) {
            String l = lines[pos];
            if (l.startsWith("new file mode ")) {
                kind = FilePatch.Kind.CREATE;
                newMode = l.substring(14).strip();
            } else if (l.startsWith("deleted file mode ")) {
                kind = FilePatch.Kind.DELETE;
            } else if (l.startsWith("new mode ")) {
                newMode = l.substring(9).strip();
            } else if (l.startsWith("rename from ")) {
                kind = FilePatch.Kind.RENAME;
                oldPath = checkPath(l.substring(12));
            } else if (l.startsWith("rename to ")) {
                newPath = checkPath(l.substring(10));
            } else if (l.startsWith("copy from ")) {
                kind = FilePatch.Kind.COPY;
                oldPath = checkPath(l.substring(10));
            } else if (l.startsWith("copy to ")) {
                newPath = checkPath(l.substring(8));
            } else if (l.startsWith("Binary files ") || l.equals("GIT binary patch")) {
                throw error("binary patches are not supported; turn the change into a text patch");
            } else if (!(l.startsWith("old mode ") || l.startsWith("index ") || l.startsWith("similarity index ")
                    || l.startsWith("dissimilarity index "))) {
                break;
            }
            pos++;
        }
        List<Hunk> hunks = List.of();
        if (pos + 1 < lines.length && lines[pos].startsWith("--- ") && lines[pos + 1].startsWith("+++ ")) {
            String a = name(lines[pos].substring(4));
            String b = name(lines[pos + 1].substring(4));
            if (a == null) {
                kind = FilePatch.Kind.CREATE;
            } else if (kind != FilePatch.Kind.RENAME && kind != FilePatch.Kind.COPY) {
                oldPath = a;
            }
            if (b == null) {
                kind = FilePatch.Kind.DELETE;
            } else if (kind != FilePatch.Kind.RENAME && kind != FilePatch.Kind.COPY) {
                newPath = b;
            }
            pos += 2;
            hunks = hunks(newPath != null ? newPath : oldPath);
        }
        if (oldPath == null && newPath == null) {
            throw KrunpackException.usage(where + ":" + start + ": cannot tell the file names from '"
                    + lines[start - 1] + "'");
        }
        if (kind == FilePatch.Kind.CREATE) {
            oldPath = null;
        } else if (kind == FilePatch.Kind.DELETE) {
            newPath = null;
        }
        return new FilePatch(oldPath, newPath, kind, newMode, hunks, start);
    }

    private FilePatch plainSection() {
        int start = pos + 1;
        String a = name(lines[pos].substring(4));
        String b = name(lines[pos + 1].substring(4));
        pos += 2;
        FilePatch.Kind kind;
        if (a == null && b == null) {
            throw KrunpackException.usage(where + ":" + start + ": both sides are /dev/null");
        } else if (a == null) {
            kind = FilePatch.Kind.CREATE;
        } else if (b == null) {
            kind = FilePatch.Kind.DELETE;
        } else if (!a.equals(b)) {
            throw KrunpackException.usage(where + ":" + start + ": old and new file names differ ('" + a
                    + "', '" + b + "'); renames need a git-style diff ('diff --git' with 'rename from/to')");
        } else {
            kind = FilePatch.Kind.MODIFY;
        }
        return new FilePatch(a, b, kind, null, hunks(b != null ? b : a), start);
    }

    private List<Hunk> hunks(String file) {
        List<Hunk> hunks = new ArrayList<>();
        while (pos < lines.length && lines[pos].startsWith("@@ ")) {
            hunks.add(hunk(file, hunks.size() + 1));
        }
        return hunks;
    }

    private Hunk hunk(String file, int number) {
        int headerLine = pos + 1;
        Matcher m = HUNK.matcher(lines[pos]);
        if (!m.matches()) {
            throw error("malformed hunk header (expected '@@ -start,count +start,count @@')");
        }
        int oldStart = Integer.parseInt(m.group(1));
        int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int newStart = Integer.parseInt(m.group(3));
        int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        String section = m.group(5);
        pos++;
        int oldLeft = oldCount;
        int newLeft = newCount;
        List<String> body = new ArrayList<>();
        while (oldLeft > 0 || newLeft > 0) {
            if (pos >= lines.length) {
                throw KrunpackException.usage(where + ":" + headerLine + ": " + file + " hunk #" + number
                        + " ends early: " + oldLeft + " old and " + newLeft + " new lines missing (truncated patch,"
                        + " or the counts in the @@ header are wrong)");
            }
            String l = lines[pos];
            char c = l.isEmpty() ? ' ' : l.charAt(0);
            if (c == ' ' && oldLeft > 0 && newLeft > 0) {
                oldLeft--;
                newLeft--;
                body.add(l.isEmpty() ? " " : l);
            } else if (c == '-' && oldLeft > 0) {
                oldLeft--;
                body.add(l);
            } else if (c == '+' && newLeft > 0) {
                newLeft--;
                body.add(l);
            } else if (c == '\\' && !body.isEmpty()) {
                body.add(l);
            } else {
                throw error(file + " hunk #" + number + " (" + lines[headerLine - 1] + ") does not match its"
                        + " line counts: " + oldLeft + " old and " + newLeft + " new lines were still expected here");
            }
            pos++;
        }
        if (pos < lines.length && lines[pos].startsWith("\\")) {
            body.add(lines[pos++]);
        }
        return new Hunk(oldStart, oldCount, newStart, newCount, section, body, headerLine);
    }

    /** A name from a ---/+++ line: null for /dev/null, else stripped of a timestamp and one component. */
    private String name(String raw) {
        String n = raw;
        int tab = n.indexOf('\t');
        if (tab >= 0) {
            n = n.substring(0, tab);
        }
        n = n.strip();
        if (n.startsWith("\"")) {
            throw error("quoted file names are not supported");
        }
        if (n.equals("/dev/null")) {
            return null;
        }
        return checkPath(strip(n));
    }

    private String strip(String n) {
        int slash = n.indexOf('/');
        if (slash < 0) {
            throw error("cannot strip one leading directory from '" + n + "' (patches apply with -p1:"
                    + " names like a/FILE and b/FILE)");
        }
        return n.substring(slash + 1);
    }

    private String checkPath(String p) {
        if (p.isEmpty() || p.startsWith("/") || p.equals("..") || p.startsWith("../") || p.contains("/../")
                || p.endsWith("/..") || p.contains("\\")) {
            throw error("file name '" + p + "' is empty, absolute or leaves the tree");
        }
        return p;
    }

    private KrunpackException error(String message) {
        return KrunpackException.usage(where + ":" + (pos + 1) + ": " + message);
    }

    /** Renders a patch in git format-patch style; {@link #parse} reads it back to the same patch. */
    public static String render(Patch p) {
        StringBuilder sb = new StringBuilder();
        if (p.from() != null) {
            sb.append("From: ").append(p.from()).append('\n');
        }
        if (p.subject() != null) {
            sb.append("Subject: [PATCH] ").append(p.subject()).append('\n');
        }
        sb.append('\n');
        if (p.upstreamStatus() != null) {
            sb.append("Upstream-Status: ").append(p.upstreamStatus()).append('\n');
        }
        sb.append("---\n");
        for (FilePatch f : p.files()) {
            String a = f.oldPath() != null ? f.oldPath() : f.newPath();
            String b = f.newPath() != null ? f.newPath() : f.oldPath();
            sb.append("diff --git a/").append(a).append(" b/").append(b).append('\n');
            switch (f.kind()) {
                case CREATE -> sb.append("new file mode ").append(f.newMode() == null ? "100644" : f.newMode())
                        .append('\n');
                case DELETE -> sb.append("deleted file mode 100644\n");
                case RENAME -> sb.append("similarity index 90%\nrename from ").append(a).append("\nrename to ")
                        .append(b).append('\n');
                case COPY -> sb.append("similarity index 90%\ncopy from ").append(a).append("\ncopy to ")
                        .append(b).append('\n');
                default -> {
                }
            }
            if (f.kind() != FilePatch.Kind.CREATE && f.newMode() != null) {
                sb.append("old mode 100644\nnew mode ").append(f.newMode()).append('\n');
            }
            if (!f.hunks().isEmpty()) {
                sb.append("--- ").append(f.oldPath() == null ? "/dev/null" : "a/" + f.oldPath()).append('\n');
                sb.append("+++ ").append(f.newPath() == null ? "/dev/null" : "b/" + f.newPath()).append('\n');
                for (Hunk h : f.hunks()) {
                    sb.append(h.header()).append('\n');
                    for (String l : h.lines()) {
                        sb.append(l).append('\n');
                    }
                }
            }
        }
        sb.append("-- \n2.47.0\n");
        return sb.toString();
    }
}
