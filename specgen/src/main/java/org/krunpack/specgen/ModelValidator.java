package org.krunpack.specgen;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a model against RPM's grammar and the rules a spec needs, collecting every problem with its
 * path in the model file. Values that are merely escaped for spec syntax ({@code %} in text) are not
 * problems; values that cannot be written at all (a newline in a Summary) are.
 */
public final class ModelValidator {
    /** Architectures krunpack knows (RPM's names). */
    public static final Set<String> ARCHES = Set.of("x86_64", "aarch64", "riscv64", "ppc64le", "s390x");
    private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");
    private static final Pattern SPDX_TOKEN = Pattern.compile("\\(|\\)|[A-Za-z0-9.+-]+");
    private static final Pattern CODE_MACRO = Pattern.compile(
            "%\\(|%\\[|%\\{[?!]*(lua|expand|shrink|load|uncompress)\\b|%(lua|expand|shrink|load|uncompress|include)\\b");
    private static final Pattern BCOND = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern MACRO = Pattern.compile("%\\{([^}]*)}");
    private static final Pattern COMPARISON = Pattern.compile("(>=|<=|=|>|<) (\\S+)");
    private static final Pattern AUTHOR = Pattern.compile("[^<>\\n]+ <[^<>@\\s]+@[^<>\\s]+>");
    /** A plain https URL: host, optional port, path; no %, whitespace, quotes or shell characters. */
    private static final Pattern URL = Pattern.compile("https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/+=@,:-]*)?");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    /** The fuzz GNU patch allows by default: what libkrunfw's Makefile ({@code patch -p1}) applies with. */
    public static final int UPSTREAM_FUZZ = 2;

    private final List<String> problems = new ArrayList<>();

    private ModelValidator() {
    }

    public static List<String> validate(PackagingModel model) {
        ModelValidator v = new ModelValidator();
        Set<String> seen = new HashSet<>();
        for (PackageModel p : model.packages()) {
            if (!seen.add(p.name())) {
                v.problems.add("packages." + p.name() + ": defined twice");
            }
            v.pkg(p);
        }
        return v.problems;
    }

    private void add(String at, String what) {
        problems.add(at + ": " + what);
    }

    private void pkg(PackageModel p) {
        String at = "packages." + p.name();
        RpmGrammar.checkName(p.name()).ifPresent(m -> add(at, "package name '" + p.name() + "' " + m));
        if (!p.version().isEmpty()) {
            RpmGrammar.checkVersion(p.version()).ifPresent(m -> add(at + ".version", "'" + p.version() + "' " + m));
        }
        if (!p.release().isEmpty() && !p.autorelease() && !p.release().matches("[1-9][0-9]*")) {
            add(at + ".release", "'" + p.release() + "' is neither 'autorelease' nor a number from 1 (the spec"
                    + " writes N%{?dist})");
        }
        oneLine(at + ".summary", p.summary());
        if (p.summary().endsWith(".")) {
            add(at + ".summary", "ends with '.': a Summary has no trailing dot");
        }
        for (int i = 0; i < p.description().size(); i++) {
            oneLine(at + ".description[" + i + "]", p.description().get(i));
        }
        spdx(at + ".license", p.license());
        if (!p.distGitLicense().isEmpty()) {
            spdx(at + ".distGitLicense", p.distGitLicense());
        }
        files(at + ".licenseFiles", p.licenseFiles());
        files(at + ".docFiles", p.docFiles());
        if (!p.url().isEmpty() && !p.url().startsWith("https://")) {
            add(at + ".url", "'" + p.url() + "' must be an https:// URL");
        } else if (!p.url().isEmpty() && !URL.matcher(p.url()).matches()) {
            add(at + ".url", "'" + p.url() + "' is not a plain https:// URL (host, then path characters"
                    + " A-Z a-z 0-9 . _ ~ / + - = @ , : only; no macros, % or shell characters)");
        }
        oneLine(at + ".url", p.url());
        if (p.name().equals("libkrunfw") && p.kernel().isEmpty()) {
            add(at + ".kernel", "required for libkrunfw: the bundled kernel's version (e.g. 6.12.91)");
        }
        if (!p.kernel().isEmpty()) {
            RpmGrammar.checkVersion(p.kernel()).ifPresent(m -> add(at + ".kernel", "'" + p.kernel() + "' " + m));
        }
        if (p.sources().isEmpty()) {
            add(at + ".sources", "required: at least Source0, the upstream tarball");
        }
        for (int i = 0; i < p.sources().size(); i++) {
            PackageModel.Source s = p.sources().get(i);
            String w = at + ".sources[" + i + "]";
            oneLine(w + ".url", s.url());
            if (!s.url().isEmpty() && !s.url().contains("%{version}") && !s.url().contains("%{kernel}")) {
                add(w + ".url", "'" + s.url() + "' should contain %{version} (or %{kernel}) so a bump updates it");
            }
            Matcher.macros(s.url()).stream().filter(m -> !Macros.KNOWN.contains(m))
                    .forEach(m -> add(w + ".url", "unknown macro %{" + m + "} (known: " + Macros.KNOWN + ")"));
            sourceUrl(w + ".url", s.url());
            if (!s.sha512().isEmpty() && !SHA512.matcher(s.sha512()).matches()) {
                add(w + ".sha512", "expected 128 lower-case hex digits, or \"\" when the file was not at hand"
                        + " (krunpack bump --source-dir DIR fills it)");
            }
            for (int j = 0; j < s.comment().size(); j++) {
                oneLine(w + ".comment[" + j + "]", s.comment().get(j));
            }
        }
        for (int i = 0; i < p.patches().size(); i++) {
            PackageModel.Patch pa = p.patches().get(i);
            String w = at + ".patches[" + i + "]";
            if (!FILE.matcher(pa.file()).matches()) {
                add(w + ".file", "'" + pa.file() + "' is not a plain file name");
            }
            oneLine(w + ".upstream", pa.upstream());
        }
        for (int i = 0; i < p.releasePatches().size(); i++) {
            releasePatch(at + ".releasePatches[" + i + "]", p.releasePatches().get(i));
        }
        projectInputs(p.projectInputs());
        for (String a : p.arches().list()) {
            if (!ARCHES.contains(a)) {
                add(at + ".arches.list", "unknown arch '" + a + "' (known: " + new java.util.TreeSet<>(ARCHES) + ")");
            }
        }
        if (!p.arches().list().isEmpty() && p.arches().reason().isBlank()) {
            add(at + ".arches.reason", "required with arches.list: Fedora wants ExclusiveArch justified");
        }
        oneLine(at + ".arches.reason", p.arches().reason());
        deps(at + ".buildRequires", p.buildRequires());
        for (int i = 0; i < p.archBuildRequires().size(); i++) {
            PackageModel.ArchBuildRequires b = p.archBuildRequires().get(i);
            String w = at + ".archBuildRequires[" + i + "]";
            if (b.arches().isEmpty()) {
                add(w + ".arches", "required: the arches needing these BuildRequires");
            }
            for (int j = 0; j < b.arches().size(); j++) {
                if (!ARCHES.contains(b.arches().get(j))) {
                    add(w + ".arches[" + j + "]", "unknown arch '" + b.arches().get(j) + "' (known: "
                            + new java.util.TreeSet<>(ARCHES) + ")");
                }
            }
            deps(w + ".requires", b.requires());
        }
        Set<String> switches = new HashSet<>();
        for (int i = 0; i < p.switches().size(); i++) {
            PackageModel.Switch sw = p.switches().get(i);
            String w = at + ".switches[" + i + "]";
            if (!BCOND.matcher(sw.name()).matches()) {
                add(w + ".name", "'" + sw.name() + "' is not a build-condition name (lower-case letters, digits, _)");
            } else if (!switches.add(sw.name())) {
                add(w + ".name", "'" + sw.name() + "' defined twice");
            }
            if (!PackageModel.Switch.DEFAULTS.contains(sw.defaultOn())) {
                add(w + ".default", "'" + sw.defaultOn() + "' is not one of " + PackageModel.Switch.DEFAULTS
                        + " (fedora: on in Fedora, off in RHEL and EPEL)");
            }
            for (String a : sw.arches()) {
                if (!ARCHES.contains(a)) {
                    add(w + ".arches", "unknown arch '" + a + "'");
                }
            }
            if (sw.reason().isBlank()) {
                add(w + ".reason", "required: say why the switch exists and why its default");
            }
            oneLine(w + ".reason", sw.reason());
            deps(w + ".buildRequires", sw.buildRequires());
        }
        Set<String> subs = new HashSet<>();
        for (int i = 0; i < p.subpackages().size(); i++) {
            PackageModel.Subpackage s = p.subpackages().get(i);
            String w = at + ".subpackages[" + i + "]";
            if (!subs.add(s.name())) {
                add(w + ".name", "'" + s.name() + "' defined twice");
            }
            RpmGrammar.checkName(p.name() + "-" + s.name())
                    .ifPresent(m -> add(w + ".name", "subpackage name '" + p.name() + "-" + s.name() + "' " + m));
            oneLine(w + ".summary", s.summary());
            if (s.summary().endsWith(".")) {
                add(w + ".summary", "ends with '.': a Summary has no trailing dot");
            }
            for (int j = 0; j < s.description().size(); j++) {
                oneLine(w + ".description[" + j + "]", s.description().get(j));
            }
            if (!s.bcond().isEmpty() && !BCOND.matcher(s.bcond()).matches()) {
                add(w + ".bcond", "'" + s.bcond() + "' is not a build-condition name (lower-case letters, digits, _)");
            }
            for (String a : s.arches()) {
                if (!ARCHES.contains(a)) {
                    add(w + ".arches", "unknown arch '" + a + "'");
                }
            }
            oneLine(w + ".reason", s.reason());
        }
        for (int i = 0; i < p.requires().size(); i++) {
            PackageModel.Requirement r = p.requires().get(i);
            String w = at + ".requires[" + i + "]";
            if (!r.subpackage().isEmpty() && !subs.contains(r.subpackage())) {
                add(w + ".subpackage", "'" + r.subpackage() + "' is not a subpackage of " + p.name() + " (known: " + subs + ")");
            }
            RpmGrammar.checkName(r.name()).ifPresent(m -> add(w + ".name", "'" + r.name() + "' " + m));
            if (!r.version().isEmpty()) {
                var m = COMPARISON.matcher(r.version());
                if (!m.matches()) {
                    add(w + ".version", "'" + r.version() + "' is not a comparison like '>= 5.5.0'");
                } else {
                    RpmGrammar.checkEvr(m.group(2)).ifPresent(x -> add(w + ".version", "'" + m.group(2) + "' " + x));
                }
            }
            oneLine(w + ".reason", r.reason());
        }
        for (int i = 0; i < p.crates().size(); i++) {
            PackageModel.Crate c = p.crates().get(i);
            String w = at + ".crates[" + i + "]";
            RpmGrammar.checkName(c.name()).ifPresent(m -> add(w + ".name", "'" + c.name() + "' " + m));
            RpmGrammar.checkVersion(c.version()).ifPresent(m -> add(w + ".version", "'" + c.version() + "' " + m));
            if (!(p.cratesFile().length() > 0 && c.license().isEmpty())) {
                // a generated crates file may not know every licence: the spec says so in a FIXME
                spdx(w + ".license", c.license());
            }
        }
        for (int i = 0; i < p.bconds().size(); i++) {
            PackageModel.Bcond b = p.bconds().get(i);
            String w = at + ".bconds[" + i + "]";
            if (!BCOND.matcher(b.name()).matches()) {
                add(w + ".name", "'" + b.name() + "' is not a build-condition name (lower-case letters, digits, _)");
            }
            oneLine(w + ".reason", b.reason());
        }
        for (int i = 0; i < p.extra().size(); i++) {
            extra(at + ".extra[" + i + "]", p.extra().get(i));
        }
        for (int i = 0; i < p.changelog().size(); i++) {
            PackageModel.ChangelogEntry e = p.changelog().get(i);
            String w = at + ".changelog[" + i + "]";
            try {
                LocalDate.parse(e.date());
            } catch (DateTimeParseException ex) {
                add(w + ".date", "'" + e.date() + "' is not a date like 2026-11-25");
            }
            if (!AUTHOR.matcher(e.author()).matches()) {
                add(w + ".author", "'" + e.author() + "' is not 'Full Name <email@example.org>'");
            }
            RpmGrammar.checkEvr(e.evr()).ifPresent(m -> add(w + ".evr", "'" + e.evr() + "' " + m));
            if (e.lines().isEmpty()) {
                add(w + ".lines", "required: at least one line saying what changed");
            }
            for (int j = 0; j < e.lines().size(); j++) {
                oneLine(w + ".lines[" + j + "]", e.lines().get(j));
            }
        }
    }

    /**
     * Verbatim lines (from an imported spec): spec text by nature, so macros are allowed, but none
     * of the forms that run code or read files while a spec is merely parsed ({@code rpmspec -P},
     * review, srpm): {@code %(...)}, {@code %[...]}, {@code %{lua:...}}, {@code %{expand:...}},
     * {@code %{shrink:...}}, {@code %{load:...}}, {@code %{uncompress:...}}, {@code %include}; and the
     * slot's last line may not end in a backslash (it would continue into the generated text).
     */
    private void extra(String w, PackageModel.Extra e) {
        if (!PackageModel.Extra.SLOTS.contains(e.slot())) {
            add(w + ".slot", "'" + e.slot() + "' is not one of " + PackageModel.Extra.SLOTS);
        }
        for (int j = 0; j < e.lines().size(); j++) {
            String l = e.lines().get(j);
            String at = w + ".lines[" + j + "]";
            oneLine(at, l);
            var m = CODE_MACRO.matcher(l);
            if (m.find()) {
                add(at, "'" + m.group() + "' runs code or reads files when the spec is parsed: not allowed in"
                        + " verbatim lines (allowed: plain macros such as %{name}, %{_libdir}, %make_build)");
            }
        }
        if (!e.lines().isEmpty() && e.lines().get(e.lines().size() - 1).endsWith("\\")) {
            add(w + ".lines[" + (e.lines().size() - 1) + "]", "ends in a backslash: it would continue into the"
                    + " next, generated line");
        }
    }

    /** The project's own patches (patches.series) and kernel configuration (config), as Sources. */
    private void projectInputs(PackageModel.ProjectInputs in) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < in.patches().size(); i++) {
            PackageModel.OwnPatch o = in.patches().get(i);
            String w = "krunpack.yaml patches.series[" + i + "]";
            if (!FILE.matcher(o.file()).matches()) {
                add(w, "'" + o.file() + "' is not a plain file name (the Source kept next to the spec)");
            }
            if (!SHA512.matcher(o.sha512()).matches()) {
                add(w, o.file() + ": the patch's SHA-512 is missing: the spec's sources must be pinned");
            }
            if (!names.add(o.file())) {
                add(w, o.file() + ": two patches of the series have this file name; each becomes a Source of"
                        + " that name: rename one");
            }
            oneLine(w + " reason", o.reason());
        }
        PackageModel.ConfigSource c = in.config();
        if (c != null) {
            if (!FILE.matcher(c.file()).matches() || !names.add(c.file())) {
                add("krunpack.yaml config", "'" + c.file() + "' cannot be the configuration's Source name (not a"
                        + " plain file name, or a patch of the series has it)");
            }
            if (!ARCHES.contains(c.arch())) {
                add("krunpack.yaml arch", "unknown arch '" + c.arch() + "' (known: " + new java.util.TreeSet<>(ARCHES) + ")");
            }
        }
    }

    /** A release-patch decision from the project file (patches.release). */
    private void releasePatch(String w, PackageModel.ReleasePatch r) {
        if (!FILE.matcher(r.patch()).matches()) {
            add(w + ".patch", "'" + r.patch() + "' is not a plain file name");
        }
        if (!PackageModel.ReleasePatch.ACTIONS.contains(r.action())) {
            add(w + ".action", "'" + r.action() + "' is not one of " + PackageModel.ReleasePatch.ACTIONS);
        }
        if (r.replace()) {
            if (!FILE.matcher(r.file()).matches()) {
                add(w + ".file", "'" + r.file() + "' is not a plain file name (the Source kept next to the spec; krunpack.yaml patches.release[].replace)");
            }
            if (!SHA512.matcher(r.sha512()).matches()) {
                add(w + ".sha512", "the replacement's SHA-512 is required (128 lower-case hex digits): the spec's"
                        + " sources must be pinned");
            }
        }
        if (r.action().equals("fuzz") && (r.fuzz() < 0 || r.fuzz() > UPSTREAM_FUZZ)) {
            add(w + ".fuzz", r.fuzz() + ": upstream's Makefile applies the release's patches with GNU patch's"
                    + " default fuzz (" + UPSTREAM_FUZZ + "), so the RPM build cannot allow more; replace the patch"
                    + " with a refreshed one instead");
        }
        if (r.reason().isBlank()) {
            add(w + ".reason", "required: the spec states why");
        }
        oneLine(w + ".reason", r.reason());
    }

    private void oneLine(String at, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || (c < 32 && c != '\t')) {
                add(at, "contains " + RpmGrammar.describe(c) + " at position " + (i + 1)
                        + ": a spec line cannot hold it; split it into list items");
                return;
            }
        }
    }

    private void spdx(String at, String expr) {
        if (expr.isBlank()) {
            add(at, "required: an SPDX licence expression such as 'Apache-2.0 AND MIT'");
            return;
        }
        String rest = SPDX_TOKEN.matcher(expr).replaceAll("").replace(" ", "");
        if (!rest.isEmpty()) {
            add(at, "'" + expr + "' contains " + RpmGrammar.describe(rest.charAt(0))
                    + ", which no SPDX expression has");
        }
        int depth = 0;
        for (char c : expr.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                break;
            }
        }
        if (depth != 0) {
            add(at, "'" + expr + "' has unbalanced parentheses");
        }
    }

    private void files(String at, List<String> files) {
        for (int i = 0; i < files.size(); i++) {
            if (!FILE.matcher(files.get(i)).matches()) {
                add(at + "[" + i + "]", "'" + files.get(i) + "' is not a plain file name");
            }
        }
    }

    /**
     * A Source URL: the allowed macros ({@link Macros#KNOWN}) stand for plain text; what is left is an
     * https:// URL or a plain file name, with no other {@code %} (no {@code %(...)}, {@code %[...]},
     * bare {@code %name}).
     */
    private void sourceUrl(String at, String url) {
        String plain = MACRO.matcher(url).replaceAll(m -> m.group(1).equals("url") ? "https://h"
                : Macros.KNOWN.contains(m.group(1)) ? "x" : "%");
        boolean ok = plain.contains("://") ? URL.matcher(plain).matches() && plain.startsWith("https://")
                : FILE.matcher(plain).matches();
        if (!ok) {
            add(at, "'" + url + "' is neither an https:// URL nor a plain file name once its macros (only "
                    + new java.util.TreeSet<>(Macros.KNOWN) + " are allowed) are expanded; no other %, spaces or"
                    + " shell characters");
        }
    }

    private void deps(String at, List<String> deps) {
        for (int i = 0; i < deps.size(); i++) {
            String d = deps.get(i);
            oneLine(at + "[" + i + "]", d);
            if (d.isBlank()) {
                add(at + "[" + i + "]", "empty");
            } else {
                String w = at + "[" + i + "]";
                RpmGrammar.checkDependency(d).ifPresent(m -> add(w, "'" + d + "' " + m));
            }
        }
    }

    /** Finds {@code %{...}} macro names in a string. */
    static final class Matcher {
        private Matcher() {
        }

        static List<String> macros(String s) {
            List<String> out = new ArrayList<>();
            var m = MACRO.matcher(s);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }
    }
}
