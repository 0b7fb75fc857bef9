package org.krunpack.packaging;

import org.krunpack.core.KrunpackException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads kernel versions from Makefiles (the kernel's own, and libkrunfw's KERNEL_VERSION). */
public final class KernelVersion {
    private static final Pattern KRUNFW = Pattern.compile("(?m)^KERNEL_VERSION\\s*[:?]?=\\s*linux-(\\S+)\\s*$");

    private KernelVersion() {
    }

    /** {@code VERSION.PATCHLEVEL.SUBLEVEL} from a kernel tree's top Makefile. */
    public static String fromMakefile(String makefile) {
        return field(makefile, "VERSION") + "." + field(makefile, "PATCHLEVEL") + "." + field(makefile, "SUBLEVEL");
    }

    /** The kernel libkrunfw's Makefile names ({@code KERNEL_VERSION = linux-6.12.91} → 6.12.91). */
    public static String fromKrunfwMakefile(String makefile, String where) {
        Matcher m = KRUNFW.matcher(makefile);
        if (!m.find()) {
            throw KrunpackException.usage(where + ": no 'KERNEL_VERSION = linux-X.Y.Z' line in libkrunfw's Makefile");
        }
        return m.group(1);
    }

    private static String field(String makefile, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s*=\\s*(\\d+)\\s*$").matcher(makefile);
        if (!m.find()) {
            throw KrunpackException.usage("kernel Makefile has no '" + name + " = N' line");
        }
        return m.group(1);
    }
}
