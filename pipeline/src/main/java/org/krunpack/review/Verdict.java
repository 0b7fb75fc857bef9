package org.krunpack.review;

/** A check's outcome, with fedora-review's legend mark. */
public enum Verdict {
    PASS("[x]"),
    FAIL("[!]"),
    NOT_APPLICABLE("[-]"),
    NOT_EVALUATED("[?]"),
    MANUAL("[ ]");

    private final String mark;

    Verdict(String mark) {
        this.mark = mark;
    }

    public String mark() {
        return mark;
    }
}
