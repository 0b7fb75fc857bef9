package org.krunpack.specgen;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The line rules a spec file is held to, shared by the spec generator's lint
 * ({@link SpecGenerator#lint}) and {@code krunpack review} (checks {@code generic.line-length},
 * {@code generic.global-not-define}, {@code c.no-ldconfig}): one rule set, so a spec cannot pass
 * one and fail the other.
 *
 * <ul>
 *   <li><b>line length</b> (krunpack's house style; Fedora has no line-length rule): at most
 *       {@value #MAX_LINE} characters, counted as code points without a trailing CR. Exempt:
 *       {@code %changelog} entries (history is kept as written), lines holding a URL, and the tags
 *       RPM cannot continue on a second line (License, dependencies, Source/Patch, URL,
 *       ExclusiveArch/ExcludeArch), which includes rich dependencies.</li>
 *   <li><b>%define</b>: {@code %global} is preferred (Packaging Guidelines).</li>
 *   <li><b>ldconfig</b>: no ldconfig scriptlets (Fedora 28 and later run it from a file trigger).</li>
 * </ul>
 */
public final class SpecRules {
    public static final int MAX_LINE = 80;
    public static final String LINE_LENGTH = "line-length";
    public static final String DEFINE = "define";
    public static final String LDCONFIG = "ldconfig";

    private static final Pattern UNWRAPPABLE_TAG = Pattern.compile(
            "^(License|BuildRequires|Requires|Recommends|Suggests|Supplements|Enhances|Provides|Obsoletes"
                    + "|Conflicts|BuildConflicts|OrderWithRequires|Source\\d*|Patch\\d*|URL|Url"
                    + "|ExclusiveArch|ExcludeArch)(\\([^)]*\\))?\\s*:", Pattern.CASE_INSENSITIVE);
    private static final Pattern SECTION = Pattern.compile(
            "^%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun|postun"
                    + "|pretrans|posttrans|preuntrans|postuntrans|triggerin|triggerun|triggerpostun|triggerprein"
                    + "|filetriggerin|filetriggerun|filetriggerpostun|transfiletriggerin|transfiletriggerun"
                    + "|transfiletriggerpostun|generate_buildrequires|conf|verifyscript|sourcelist|patchlist)"
                    + "(\\s.*)?$");
    private static final Pattern LDCONFIG_USE = Pattern.compile(
            "ldconfig_scriptlets|ldconfig_post|ldconfig_postun|/sbin/ldconfig|/usr/sbin/ldconfig|%\\{\\?ldconfig\\}"
                    + "|^ldconfig\\b");
    private static final Pattern DEFINE_USE = Pattern.compile("^%define\\s");

    private SpecRules() {
    }

    /** One rule broken on one line (1-based). */
    public record Violation(int line, String rule, String message) {
    }

    /** The line without a trailing carriage return (a CRLF file's lines are measured without it). */
    public static String withoutCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The section a line opens ("changelog" for {@code %changelog}), or null when it opens none. */
    public static String sectionOpened(String line) {
        var m = SECTION.matcher(withoutCr(line).strip());
        return m.matches() ? m.group(1) : null;
    }

    /** Code points of the line, without a trailing CR. */
    public static int length(String line) {
        String l = withoutCr(line);
        return l.codePointCount(0, l.length());
    }

    /** True when {@code line} (in {@code section}, "preamble" before the first) breaks the length rule. */
    public static boolean tooLong(String line, String section) {
        String l = withoutCr(line);
        if (length(l) <= MAX_LINE || "changelog".equals(section)) {
            return false;
        }
        return !l.contains("://") && !UNWRAPPABLE_TAG.matcher(l.strip()).find();
    }

    /** True when the line defines a macro with {@code %define}. */
    public static boolean usesDefine(String line) {
        return DEFINE_USE.matcher(withoutCr(line).strip()).find();
    }

    /** True when the line (not a comment) adds an ldconfig scriptlet. */
    public static boolean ldconfig(String line) {
        String l = withoutCr(line).strip();
        return !l.startsWith("#") && LDCONFIG_USE.matcher(l).find();
    }

    /** Every rule broken in {@code spec}, line by line. */
    public static List<Violation> check(String spec) {
        List<Violation> out = new ArrayList<>();
        String section = "preamble";
        String[] lines = spec.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            String opened = sectionOpened(l);
            if (opened != null) {
                section = opened;
            }
            if (tooLong(l, section)) {
                out.add(new Violation(i + 1, LINE_LENGTH, length(l) + " characters (at most " + MAX_LINE + ")"));
            }
            if (usesDefine(l)) {
                out.add(new Violation(i + 1, DEFINE, "%define (use %global)"));
            }
            if (ldconfig(l)) {
                out.add(new Violation(i + 1, LDCONFIG, "ldconfig scriptlet (not needed on Fedora >= 28)"));
            }
        }
        return out;
    }
}
