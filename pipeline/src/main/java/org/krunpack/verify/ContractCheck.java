package org.krunpack.verify;

/**
 * One line of the verify-lib report.
 *
 * @param name     short id, e.g. "soname"
 * @param status   pass, fail, skipped (an earlier check it needs failed, or it does not apply), or
 *                 not evaluated (it could not run here: no sandbox, and the inputs are not trusted)
 * @param evidence what was seen
 */
public record ContractCheck(String name, Status status, String evidence) {

    /** The outcome of one check. */
    public enum Status { PASS, FAIL, SKIPPED, NOT_EVALUATED;

        /** "pass", "fail", "skipped", "not-evaluated". */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public static ContractCheck pass(String name, String evidence) {
        return new ContractCheck(name, Status.PASS, evidence);
    }

    public static ContractCheck fail(String name, String evidence) {
        return new ContractCheck(name, Status.FAIL, evidence);
    }

    public static ContractCheck skipped(String name, String evidence) {
        return new ContractCheck(name, Status.SKIPPED, evidence);
    }

    public static ContractCheck notEvaluated(String name, String evidence) {
        return new ContractCheck(name, Status.NOT_EVALUATED, evidence);
    }

    public static ContractCheck of(String name, boolean ok, String evidence) {
        return new ContractCheck(name, ok ? Status.PASS : Status.FAIL, evidence);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
