package org.krunpack.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Architecture names as specs and their comments write them, mapped to rpm's names. */
final class Arches {
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        for (String a : List.of("x86_64", "x86-64", "amd64", "x64")) {
            ALIASES.put(a, "x86_64");
        }
        for (String a : List.of("aarch64", "arm64")) {
            ALIASES.put(a, "aarch64");
        }
        for (String a : List.of("riscv64", "risc-v", "riscv")) {
            ALIASES.put(a, "riscv64");
        }
        for (String a : List.of("i686", "i386", "ix86", "%{ix86}")) {
            ALIASES.put(a, "i686");
        }
        for (String a : List.of("ppc64le", "s390x", "armv7hl", "ppc64", "loongarch64")) {
            ALIASES.put(a, a);
        }
    }

    private static final Pattern WORD = Pattern.compile("(?<![A-Za-z0-9_-])(%\\{ix86\\}|[A-Za-z0-9_-]+)(?![A-Za-z0-9_])");

    private Arches() {
    }

    /** The architectures a comment names. */
    static Set<String> named(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String a = ALIASES.get(m.group(1));
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The literal architectures of an ExclusiveArch/ExcludeArch value (other macros are left out). */
    static Set<String> listed(List<String> tokens) {
        Set<String> out = new TreeSet<>();
        for (String t : tokens) {
            String a = ALIASES.get(t.toLowerCase(Locale.ROOT));
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }
}
