package org.krunpack.review;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Lets tests in other packages build the review fixtures. */
public final class FixturesAccess {
    private FixturesAccess() {
    }

    /** Builds the GOOD libkrunfw fixture (edited) and returns its SRPM and binary RPMs. */
    public static List<Path> buildGood(Path dir, Map<String, String> defines, UnaryOperator<String> edit)
            throws IOException {
        Fixtures.Built b = Fixtures.buildLibkrunfw(dir, edit, l -> l, defines);
        List<Path> out = new java.util.ArrayList<>();
        out.add(b.srpm());
        out.addAll(b.rpms());
        return out;
    }

    /** The GOOD libkrunfw spec text. */
    public static String goodSpec() {
        return Fixtures.GOOD_SPEC;
    }
}
