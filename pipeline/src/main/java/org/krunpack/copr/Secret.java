package org.krunpack.copr;

/**
 * A credential that never shows itself: {@link #toString()} is a mask, and {@link #scrub(String)}
 * removes the value from any text before it is printed
 * or put into an exception message.
 */
public final class Secret {
    /** What is printed in place of a secret. */
    public static final String MASK = "****";

    private final String value;

    public Secret(String value) {
        this.value = value == null ? "" : value;
    }

    /** The secret itself: only for building the Authorization header. */
    String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Replaces every occurrence of the secret in {@code text}. */
    public String scrub(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        return text.replace(value, MASK);
    }

    @Override
    public String toString() {
        return MASK;
    }
}
