package org.krunpack.core;

import java.util.List;

/**
 * An error krunpack knows how to explain. The message says what went wrong and what to do;
 * {@link #problems()} lists every problem when validation collected several.
 */
public class KrunpackException extends RuntimeException {
    private final ExitCode exitCode;
    private final List<String> problems;

    public KrunpackException(ExitCode exitCode, String message) {
        this(exitCode, message, List.of(), null);
    }

    public KrunpackException(ExitCode exitCode, String message, Throwable cause) {
        this(exitCode, message, List.of(), cause);
    }

    public KrunpackException(ExitCode exitCode, String message, List<String> problems, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.problems = List.copyOf(problems);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** Every individual problem (may be empty when the message says it all). */
    public List<String> problems() {
        return problems;
    }

    /** Bad input: a project file field, a command-line argument, a fragment. Exit code 2. */
    public static KrunpackException usage(String message) {
        return new KrunpackException(ExitCode.USAGE, message);
    }

    /** A check failed. Exit code 1. */
    public static KrunpackException checkFailed(String message) {
        return new KrunpackException(ExitCode.CHECK_FAILED, message);
    }

    /** An external tool or service failed. Exit code 3. */
    public static KrunpackException external(String message) {
        return new KrunpackException(ExitCode.EXTERNAL, message);
    }

    public static KrunpackException external(String message, Throwable cause) {
        return new KrunpackException(ExitCode.EXTERNAL, message, cause);
    }
}
