package org.krunpack.patches;

import java.util.List;

/**
 * One hunk of a unified diff.
 *
 * @param oldStart first line in the old file (0 when the old side is empty)
 * @param oldCount lines of the old side (context and removed)
 * @param newStart first line in the new file
 * @param newCount lines of the new side (context and added)
 * @param section  the text after the closing {@code @@} (often a function name), without the leading space; may be ""
 * @param lines    body lines, each starting with ' ', '-', '+' or '\' ("\ No newline at end of file")
 * @param line     1-based line of the {@code @@} header in the patch file
 */
public record Hunk(int oldStart, int oldCount, int newStart, int newCount, String section, List<String> lines,
                   int line) {
    public Hunk {
        lines = List.copyOf(lines);
    }

    /** Lines this hunk removes. */
    public long removed() {
        return lines.stream().filter(l -> l.startsWith("-")).count();
    }

    /** Lines this hunk adds. */
    public long added() {
        return lines.stream().filter(l -> l.startsWith("+")).count();
    }

    /** The {@code @@ -a,b +c,d @@ section} header line. */
    public String header() {
        return "@@ -" + range(oldStart, oldCount) + " +" + range(newStart, newCount) + " @@"
                + (section.isEmpty() ? "" : " " + section);
    }

    private static String range(int start, int count) {
        return count == 1 ? Integer.toString(start) : start + "," + count;
    }
}
