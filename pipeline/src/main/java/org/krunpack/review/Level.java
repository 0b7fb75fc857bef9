package org.krunpack.review;

/** How binding a check is: a failing MUST fails the review (exit 1). */
public enum Level {
    MUST, SHOULD, EXTRA
}
