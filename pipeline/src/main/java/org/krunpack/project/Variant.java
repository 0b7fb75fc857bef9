package org.krunpack.project;

/** libkrunfw variants: the generic library, SEV and TDX (confidential computing). */
public enum Variant {
    GENERIC("generic", ""),
    SEV("sev", "-sev"),
    TDX("tdx", "-tdx");

    private final String id;
    private final String suffix;

    Variant(String id, String suffix) {
        this.id = id;
        this.suffix = suffix;
    }

    public String id() {
        return id;
    }

    /** The suffix in file names: "" or "-sev" / "-tdx". */
    public String suffix() {
        return suffix;
    }

    /** {@code libkrunfw[-variant]}. */
    public String libraryBaseName() {
        return "libkrunfw" + suffix;
    }

    public static Variant parse(String s) {
        for (Variant v : values()) {
            if (v.id.equals(s)) {
                return v;
            }
        }
        return null;
    }
}
