package org.krunpack.rpm;

/** One file of an RPM's file list: absolute path, mode, size, {@code RPMFILE_*} flags, link target. */
public record RpmFileEntry(String path, int mode, long size, int flags, String linkTo) {
    private static final int S_IFMT = 0170000;

    public boolean isDirectory() {
        return (mode & S_IFMT) == 0040000;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == 0120000;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == 0100000;
    }

    /** Marked {@code %license}. */
    public boolean isLicense() {
        return (flags & RpmTag.FILE_LICENSE) != 0;
    }

    /** Marked {@code %doc}. */
    public boolean isDoc() {
        return (flags & RpmTag.FILE_DOC) != 0;
    }

    public boolean isGhost() {
        return (flags & RpmTag.FILE_GHOST) != 0;
    }

    /** The last path component. */
    public String baseName() {
        int i = path.lastIndexOf('/');
        return i < 0 ? path : path.substring(i + 1);
    }
}
