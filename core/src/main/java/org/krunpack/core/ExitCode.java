package org.krunpack.core;

/** Process exit codes, documented in DEVELOPERS.md, docs/user-guide.md and {@code --help}. */
public enum ExitCode {
    /** Everything asked for was done and every check passed. */
    OK(0),
    /** The work ran but a check failed (a patch hunk, a dropped option, a review MUST, a smoke probe). */
    CHECK_FAILED(1),
    /** Bad command line or bad project/configuration input: fix the input and run again. */
    USAGE(2),
    /** An external tool or service failed (make, gcc, rpmbuild, qemu, COPR, the network). */
    EXTERNAL(3),
    /** A bug in krunpack: please report it. */
    UNEXPECTED(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
