package org.krunpack.kbuild;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a config builds a C file, read from the kbuild Makefiles the way they are usually
 * written ({@code obj-y += x.o}, {@code obj-$(CONFIG_X) += x.o} or a composite object's
 * {@code name-$(CONFIG_Y) += x.o}, and the directory listed by its parent). Used to compile the
 * files a patch series changes before the full build, so only files the full build compiles are
 * compiled first; a file the Makefiles do not list plainly is left to the full build.
 */
public final class ObjectSelection {
    private static final Pattern ASSIGN = Pattern.compile("^\\s*([A-Za-z0-9_.-]+)-(y|m|objs|\\$\\(CONFIG_([A-Za-z0-9_]+)\\))"
            + "\\s*(\\+=|:=|=)(.*)$");

    /** The verdict for one file. */
    public record Verdict(boolean built, String reason) {
    }

    private ObjectSelection() {
    }

    /**
     * @param tree    the source tree
     * @param config  the effective config (symbol → value, without CONFIG_)
     * @param file    a C file, relative to the tree
     * @param srcArch the kernel's SRCARCH (x86, arm64, riscv)
     */
    public static Verdict of(Path tree, Map<String, String> config, String file, String srcArch) {
        if (file.startsWith("arch/") && !file.startsWith("arch/" + srcArch + "/")) {
            return new Verdict(false, "another architecture's");
        }
        int slash = file.lastIndexOf('/');
        String dir = slash < 0 ? "" : file.substring(0, slash);
        String obj = file.substring(slash + 1).replaceAll("\\.c$", ".o");
        return selected(tree, config, dir, obj, 0);
    }

    private static Verdict selected(Path tree, Map<String, String> config, String dir, String obj, int depth) {
        if (depth > 8) {
            return new Verdict(false, "not determined (nesting too deep)");
        }
        List<String[]> assignments = assignments(tree.resolve(dir));
        if (assignments == null) {
            return new Verdict(false, "not determined (no Makefile or Kbuild in " + dir + ")");
        }
        for (String[] a : assignments) { // {name, condition, symbol or null, value}
            if (!List.of(a[3].split("\\s+")).contains(obj)) {
                continue;
            }
            boolean on = a[2] == null ? !a[1].equals("n") : on(config, a[2]);
            if (!on) {
                continue;
            }
            if (a[0].equals("obj") || a[0].equals("lib") || a[0].equals("core") || a[0].equals("head")) {
                return dirListed(tree, config, dir, depth);
            }
            // a part of a composite object: that object must be built
            Verdict v = selected(tree, config, dir, a[0] + ".o", depth + 1);
            if (v.built()) {
                return v;
            }
        }
        for (String[] a : assignments) {
            if (List.of(a[3].split("\\s+")).contains(obj)) {
                return new Verdict(false, "not built by this config (" + a[0] + "-" + a[1] + " in " + dir + ")");
            }
        }
        return new Verdict(false, "not determined (" + dir + "'s Makefile does not list " + obj + " plainly)");
    }

    /** True when the directory is built: its parent lists it under a condition that holds, or does not list it. */
    private static Verdict dirListed(Path tree, Map<String, String> config, String dir, int depth) {
        int slash = dir.lastIndexOf('/');
        if (slash < 0) {
            return new Verdict(true, "built");
        }
        String parent = dir.substring(0, slash);
        String name = dir.substring(slash + 1) + "/";
        List<String[]> assignments = assignments(tree.resolve(parent));
        if (assignments == null) {
            return new Verdict(true, "built");
        }
        boolean listed = false;
        for (String[] a : assignments) {
            if (!List.of(a[3].split("\\s+")).contains(name)) {
                continue;
            }
            listed = true;
            if (a[2] == null ? !a[1].equals("n") : on(config, a[2])) {
                return dirListed(tree, config, parent, depth + 1);
            }
        }
        return listed ? new Verdict(false, "not built by this config (" + parent + "/Makefile builds " + name
                + " under an option that is off)") : new Verdict(true, "built");
    }

    private static boolean on(Map<String, String> config, String symbol) {
        String v = config.get(symbol);
        return "y".equals(v) || "m".equals(v);
    }

    /** The assignments of a directory's Kbuild or Makefile (continuation lines joined), or null. */
    private static List<String[]> assignments(Path dir) {
        Path f = Files.isRegularFile(dir.resolve("Kbuild")) ? dir.resolve("Kbuild") : dir.resolve("Makefile");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        List<String[]> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : lines) {
            String l = raw.replaceAll("#.*$", "");
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            cur.append(l);
            Matcher m = ASSIGN.matcher(cur.toString());
            if (m.matches()) {
                out.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(5).strip()});
            }
            cur.setLength(0);
        }
        return out;
    }
}
