package org.krunpack.copr;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The states COPR gives a build and each of its chroots. */
public enum BuildState {
    PENDING(false), IMPORTING(false), STARTING(false), RUNNING(false), WAITING(false),
    SUCCEEDED(true), FAILED(true), CANCELED(true), SKIPPED(true), FORKED(true);

    private final boolean finished;

    BuildState(boolean finished) {
        this.finished = finished;
    }

    /** True when COPR will not change it any more. */
    public boolean finished() {
        return finished;
    }

    /** True for a finished state that is not a success (failed, canceled). */
    public boolean bad() {
        return this == FAILED || this == CANCELED;
    }

    /** The state COPR uses ("succeeded"). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Empty for a state this krunpack does not know (reported, never guessed). */
    public static Optional<BuildState> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (BuildState st : values()) {
            if (st.wireName().equals(s)) {
                return Optional.of(st);
            }
        }
        return Optional.empty();
    }

    /** "pending, importing, ..." for messages. */
    public static String known() {
        return Arrays.stream(values()).map(BuildState::wireName).collect(Collectors.joining(", "));
    }
}
