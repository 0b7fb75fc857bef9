package org.krunpack.copr;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The states COPR gives a build and each of its chroots (copr_common's StatusEnum). A build moves
 * pending → starting → running (its SRPM is built) → importing → then its chroots go waiting →
 * pending → starting → running → succeeded, failed, canceled or skipped. A build is {@code unknown}
 * when none of its chroots is in a state COPR ranks (e.g. every chroot canceled because its release
 * reached end of life): its outcome is then read from the chroots.
 */
public enum BuildState {
    PENDING(false), IMPORTING(false), STARTING(false), RUNNING(false), WAITING(false), UNKNOWN(false),
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

    /** True for a finished state a downstream link may build on (succeeded, skipped, forked). */
    public boolean usable() {
        return finished && !bad();
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
