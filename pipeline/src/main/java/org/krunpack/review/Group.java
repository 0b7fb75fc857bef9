package org.krunpack.review;

/** Report groups, in report order. */
public enum Group {
    GENERIC("Generic"), C("C/C++"), RUST("Rust"), KRUN("krun");

    private final String title;

    Group(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
