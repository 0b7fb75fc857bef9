package org.krunpack.rpm;

/** One Provides or Requires entry: a name, the sense flags and an optional version. */
public record RpmDependency(String name, int flags, String version) {
    /** The comparison as rpm prints it ("", "=", "<=", ">=", "<", ">"). */
    public String operator() {
        String op = ((flags & RpmTag.SENSE_LESS) != 0 ? "<" : "")
                + ((flags & RpmTag.SENSE_GREATER) != 0 ? ">" : "")
                + ((flags & RpmTag.SENSE_EQUAL) != 0 ? "=" : "");
        return op;
    }

    /** True for rpmlib(...) and other rpm-internal requirements. */
    public boolean rpmlib() {
        return (flags & RpmTag.SENSE_RPMLIB) != 0 || name.startsWith("rpmlib(");
    }

    @Override
    public String toString() {
        return version.isEmpty() ? name : name + " " + operator() + " " + version;
    }
}
