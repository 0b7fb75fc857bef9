package org.krunpack.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One check's verdict on one subject (a spec, an SRPM or a binary RPM), with the evidence: spec
 * file and line, or the path inside the RPM.
 */
public record Finding(Rule check, String subject, Verdict verdict, String text, List<String> evidence) {
    public Finding {
        evidence = List.copyOf(evidence);
    }

    public static Finding pass(Rule c, String subject, String text, List<String> evidence) {
        return new Finding(c, subject, Verdict.PASS, text, evidence);
    }

    public static Finding fail(Rule c, String subject, String text, List<String> evidence) {
        return new Finding(c, subject, Verdict.FAIL, text, evidence);
    }

    public static Finding na(Rule c, String subject, String text) {
        return new Finding(c, subject, Verdict.NOT_APPLICABLE, text, List.of());
    }

    public static Finding notEvaluated(Rule c, String subject, String text) {
        return new Finding(c, subject, Verdict.NOT_EVALUATED, text, List.of());
    }

    public static Finding manual(Rule c, String subject, String text) {
        return new Finding(c, subject, Verdict.MANUAL, text, List.of());
    }

    /** Passes when {@code problems} is empty, fails listing them otherwise. */
    public static Finding of(Rule c, String subject, List<String> problems, String passText, String failText) {
        return problems.isEmpty() ? pass(c, subject, passText, List.of())
                : fail(c, subject, failText, problems);
    }

    public String id() {
        return check.id();
    }

    public boolean mustFailure() {
        return verdict == Verdict.FAIL && check.level() == Level.MUST;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", check.id());
        m.put("level", check.level().name());
        m.put("group", check.group().title());
        m.put("guideline", check.guideline());
        m.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        m.put("subject", subject);
        m.put("text", text);
        m.put("evidence", evidence);
        return m;
    }
}
