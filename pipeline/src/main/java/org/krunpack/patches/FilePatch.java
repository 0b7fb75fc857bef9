package org.krunpack.patches;

import java.util.List;

/**
 * The changes a patch makes to one file. Paths are relative to the tree (one leading component,
 * {@code a/} or {@code b/}, stripped as by {@code patch -p1}).
 *
 * @param oldPath the file before (null when the file is created)
 * @param newPath the file after (null when the file is deleted)
 * @param kind    what happens to the file
 * @param newMode the file's mode after the patch from a git header ("100755"), or null
 * @param hunks   the hunks, in order (may be empty for a pure rename or mode change)
 * @param line    1-based line in the patch file where this file's section starts
 */
public record FilePatch(String oldPath, String newPath, Kind kind, String newMode, List<Hunk> hunks, int line) {
    /** What a patch does to a file. */
    public enum Kind { MODIFY, CREATE, DELETE, RENAME, COPY }

    public FilePatch {
        hunks = List.copyOf(hunks);
    }

    /** The path the report names: the new path, or the old one for a deletion. */
    public String path() {
        return newPath != null ? newPath : oldPath;
    }
}
