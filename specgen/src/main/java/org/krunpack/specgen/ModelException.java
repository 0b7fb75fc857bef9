package org.krunpack.specgen;

import java.util.List;

/**
 * The packaging model or a template is wrong. {@link #problems()} lists every problem, each
 * naming its path in the model file ({@code packages.libkrun.version}) and what to do.
 */
public final class ModelException extends RuntimeException {
    private final List<String> problems;

    public ModelException(String subject, List<String> problems) {
        super(format(subject, problems));
        this.problems = List.copyOf(problems);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(String subject, List<String> problems) {
        StringBuilder sb = new StringBuilder(subject).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
