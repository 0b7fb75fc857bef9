package org.krunpack.specgen;

import java.util.Arrays;
import java.util.Optional;

/**
 * A set of templates. {@code dist-git} keeps the shape of Fedora's current specs so a maintainer can
 * diff against dist-git; {@code strict} (the default) fixes their known review gaps.
 */
public enum Profile {
    STRICT("strict"),
    DIST_GIT("dist-git");

    private final String id;

    Profile(String id) {
        this.id = id;
    }

    /** The name used on the command line, in the project file and as the template folder. */
    public String id() {
        return id;
    }

    public static Optional<Profile> parse(String s) {
        return Arrays.stream(values()).filter(p -> p.id.equals(s)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
