package org.krunpack.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every validation problem before failing once with the whole list (see
 * docs/architecture.md, "Validate first"). Each problem names the file and the field or option
 * and says what to do.
 */
public final class Problems {
    private final String subject;
    private final List<String> items = new ArrayList<>();

    /** @param subject what is being validated, e.g. "krunpack.yaml" */
    public Problems(String subject) {
        this.subject = subject;
    }

    public Problems add(String where, String what) {
        items.add(where + ": " + what);
        return this;
    }

    public Problems addAll(List<String> problems) {
        items.addAll(problems);
        return this;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public List<String> items() {
        return List.copyOf(items);
    }

    /** Throws a usage error (exit 2) listing every problem, if there is any. */
    public void throwIfAny() {
        throwIfAny(ExitCode.USAGE);
    }

    public void throwIfAny(ExitCode code) {
        if (items.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(subject).append(": ").append(items.size())
                .append(items.size() == 1 ? " problem" : " problems");
        for (String p : items) {
            sb.append("\n  - ").append(p);
        }
        throw new KrunpackException(code, sb.toString(), items, null);
    }
}
