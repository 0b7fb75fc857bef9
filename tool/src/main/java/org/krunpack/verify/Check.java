package org.krunpack.verify;

/**
 * One line of the verify-lib report.
 *
 * @param name     short id, e.g. "soname"
 * @param status   pass, fail, or skipped (an earlier check it needs failed)
 * @param evidence what was seen
 */
public record Check(String name, Status status, String evidence) {

    /** The outcome of one check. */
    public enum Status { PASS, FAIL, SKIPPED }

    public static Check pass(String name, String evidence) {
        return new Check(name, Status.PASS, evidence);
    }

    public static Check fail(String name, String evidence) {
        return new Check(name, Status.FAIL, evidence);
    }

    public static Check skipped(String name, String evidence) {
        return new Check(name, Status.SKIPPED, evidence);
    }

    public static Check of(String name, boolean ok, String evidence) {
        return new Check(name, ok ? Status.PASS : Status.FAIL, evidence);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
