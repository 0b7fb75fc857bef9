package org.krunpack.review;

import org.krunpack.core.Digests;
import org.krunpack.core.Sandbox;
import org.krunpack.specgen.SpecRules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks decided from a spec file's text (and its directory's {@code sources} file). */
final class SpecChecks {
    private static final Pattern USES_C = Pattern.compile(
            "\\bgcc\\b|\\bcc\\b|%\\{?__cc\\}?|%\\{?make_build\\}?|%\\{?configure\\}?|%\\{?cmake\\}?|%\\{?meson\\}?"
                    + "|^\\s*make\\b|%\\{?__make\\}?|\\$\\(CC\\)|\\$CC\\b");
    private static final Pattern USES_CARGO = Pattern.compile("%\\{?cargo_|\\bcargo\\s");
    private static final Pattern KERNEL_TARBALL = Pattern.compile("(^|/)linux-[0-9][^/]*\\.tar\\.(xz|gz|bz2)$");
    private static final Pattern FIXME_LINE = Pattern.compile("^#\\s*FIXME\\s+SHA(?:512|256)\\s*\\((.+?)\\)");
    private static final Pattern SOURCES_LINE = Pattern.compile("^(SHA512|SHA256)\\s*\\((.+)\\)\\s*=\\s*([0-9a-fA-F]+)$");

    private static final Pattern ARCH_MACRO = Pattern.compile("%\\{?[?!]*[A-Za-z0-9_]*_arches\\}?");
    private static final Pattern PLACEHOLDER = Pattern.compile("^(true|:|/bin/true|/usr/bin/true|exit( 0)?|%\\{nil\\}"
            + "|echo\\b.*|printf\\b.*)$");

    /**
     * What review knows besides the spec's text.
     *
     * @param expandedLicense the main License as rpmspec expands it, when rpmspec ran
     * @param expanded        the spec as {@code rpmspec -P} printed it, when it ran
     * @param upstream        the upstream tarball (Source0), when it is at hand
     * @param upstreamMissing why there is no upstream tarball to look at
     * @param sandbox         where input code (a Makefile's {@code make -n}) may run
     */
    record Context(Optional<String> expandedLicense, Optional<SpecFile> expanded, Optional<UpstreamSource> upstream,
                   String upstreamMissing, Sandbox sandbox) {
        static Context textOnly(Optional<String> expandedLicense) {
            return new Context(expandedLicense, Optional.empty(), Optional.empty(), "no Source0 tarball at hand",
                    Sandbox.forInputs(false));
        }
    }

    private final SpecFile spec;
    private final String subject;
    private final Licenses licenses;
    private final Optional<String> expandedLicense;
    private final Context ctx;
    private final List<Finding> out = new ArrayList<>();

    SpecChecks(SpecFile spec, String subject, Licenses licenses, Optional<String> expandedLicense) {
        this(spec, subject, licenses, Context.textOnly(expandedLicense));
    }

    SpecChecks(SpecFile spec, String subject, Licenses licenses, Context ctx) {
        this.spec = spec;
        this.subject = subject;
        this.licenses = licenses;
        this.expandedLicense = ctx.expandedLicense();
        this.ctx = ctx;
    }

    List<Finding> run() {
        specName();
        specEncoding();
        licenseSpdx();
        licenseFiles();
        sourceUrls();
        sourcesChecksum();
        conditionalSources();
        exclusiveArch();
        debuginfo();
        globalNotDefine();
        patchComments();
        summary();
        lineLength();
        checkSection();
        buildRequiresGcc();
        develContents();
        develIsaRequires();
        sonameGlob();
        noLdconfig();
        filesMatchInstall();
        rust();
        requiresDlopen();
        kernelExemption();
        return out;
    }

    private void add(Finding f) {
        out.add(f);
    }

    private List<String> ev(int line) {
        return List.of(spec.at(line));
    }

    private void specName() {
        String file = spec.path().getFileName().toString();
        String name = spec.name();
        if (name.isEmpty() || name.contains("%")) {
            add(Finding.notEvaluated(Rule.SPEC_NAME, subject, "Name could not be expanded: '" + name + "'"));
        } else if (file.equals(name + ".spec")) {
            add(Finding.pass(Rule.SPEC_NAME, subject, "spec file is " + file, List.of()));
        } else {
            add(Finding.fail(Rule.SPEC_NAME, subject, "spec file is " + file + ", expected " + name + ".spec",
                    spec.tag("name").map(t -> ev(t.line())).orElse(List.of())));
        }
    }

    private void licenseSpdx() {
        List<String> problems = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        List<SpecFile.Tag> tags = spec.tags().stream().filter(t -> t.name().equals("license")).toList();
        if (tags.isEmpty()) {
            add(Finding.fail(Rule.LICENSE_SPDX, subject, "no License tag", List.of()));
            return;
        }
        for (SpecFile.Tag t : tags) {
            String value = spec.expand(t.value());
            if (value.contains("%") && t.pkg().isEmpty() && expandedLicense.isPresent()) {
                value = expandedLicense.get();
            }
            if (value.contains("%")) {
                add(Finding.notEvaluated(Rule.LICENSE_SPDX, subject, "License uses macros krunpack cannot expand"
                        + " without rpmspec: " + spec.at(t.line())));
                return;
            }
            Licenses.Result r = licenses.check(value);
            for (String p : r.problems()) {
                problems.add(spec.at(t.line()) + " -> " + p);
            }
            r.legacy().forEach(l -> legacy.add(spec.at(t.line()) + " -> " + l + " is a legacy (Callaway) name kept"
                    + " during Fedora's SPDX migration: convert it to its SPDX identifier"));
            evidence.add(spec.at(t.line()));
        }
        evidence.addAll(legacy);
        add(problems.isEmpty() ? Finding.pass(Rule.LICENSE_SPDX, subject, legacy.isEmpty()
                ? "SPDX, every identifier allowed" : "SPDX; legacy Callaway names still to convert", evidence)
                : Finding.fail(Rule.LICENSE_SPDX, subject, "License is not an allowed SPDX expression", problems));
    }

    private void licenseFiles() {
        for (SpecFile.Section s : spec.sections("files")) {
            for (int n = s.startLine(); n <= s.endLine(); n++) {
                if (spec.line(n).strip().startsWith("%license")) {
                    add(Finding.pass(Rule.LICENSE_FILES, subject, "licence files marked %license", ev(n)));
                    return;
                }
            }
        }
        List<String> evidence = spec.sections("files").stream()
                .map(s -> spec.label() + ":" + s.startLine() + ": %files " + s.arg() + " has no %license line")
                .toList();
        add(Finding.fail(Rule.LICENSE_FILES, subject, "no %license in any %files section", evidence));
    }

    /** The file name a Source URL or path names (after a '#' fragment, after the last '/'). */
    static String basename(String url) {
        String u = url;
        int hash = u.indexOf('#');
        if (hash >= 0) {
            u = u.substring(hash + 1);
        }
        int slash = u.lastIndexOf('/');
        return slash < 0 ? u : u.substring(slash + 1);
    }

    private void sourceUrls() {
        List<String> bad = new ArrayList<>();
        List<String> literal = new ArrayList<>();
        int urls = 0;
        for (SpecFile.Tag t : spec.sourcesAndPatches()) {
            if (!t.name().startsWith("source")) {
                continue;
            }
            String v = spec.expand(t.value());
            if (v.contains("://")) {
                urls++;
                if (!v.matches("^(https?|ftp)://.+")) {
                    bad.add(spec.at(t.line()) + " -> not an http(s)/ftp URL");
                }
                if (!t.value().contains("%")) {
                    literal.add(spec.at(t.line()) + " -> literal URL, use %{version}");
                }
            } else if (spec.commentAbove(t.line()).isEmpty()) {
                bad.add(spec.at(t.line()) + " -> not a URL and no comment above says how the file is made");
            }
        }
        add(Finding.of(Rule.SOURCE_URL, subject, bad, "every Source is a full URL or explained", "Source not a full URL"));
        if (urls == 0) {
            add(Finding.na(Rule.SOURCE_URL_VERSION, subject, "no URL sources"));
        } else {
            add(Finding.of(Rule.SOURCE_URL_VERSION, subject, literal, "Source URLs use macros",
                    "Source URLs with a literal version"));
        }
    }

    private void sourcesChecksum() {
        Path dir = spec.path().toAbsolutePath().getParent();
        String specBase = spec.path().getFileName().toString().replaceFirst("\\.spec$", "");
        Path sources = dir == null ? null : dir.resolve("sources");
        if (sources != null && !Files.isRegularFile(sources)) {
            sources = dir.resolve(specBase + ".sources"); // several specs in one directory (krunpack's rpm/)
        }
        if (sources == null || !Files.isRegularFile(sources)) {
            add(Finding.notEvaluated(Rule.SOURCES_CHECKSUM, subject, "no 'sources' (or " + specBase
                    + ".sources) file next to the spec"));
            return;
        }
        String sourcesName = sources.getFileName().toString();
        List<String> problems = new ArrayList<>();
        List<String> good = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        int missing = 0;
        try {
            List<String> lines = Files.readAllLines(sources);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                Matcher fixme = FIXME_LINE.matcher(l);
                if (fixme.find()) {
                    listed.add(fixme.group(1));
                    unknown.add(sourcesName + ":" + (i + 1) + ": " + fixme.group(1) + " has no digest yet (FIXME)");
                    continue;
                }
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                Matcher m = SOURCES_LINE.matcher(l);
                if (!m.matches()) {
                    problems.add(sourcesName + ":" + (i + 1) + ": not 'SHA512 (file) = hex': " + l);
                    continue;
                }
                String file = m.group(2);
                listed.add(file);
                Path local = dir.resolve(file);
                if (!Files.isRegularFile(local)) {
                    missing++;
                    continue;
                }
                String actual = m.group(1).equals("SHA512") ? Digests.sha512(local) : Digests.sha256(local);
                if (actual.equalsIgnoreCase(m.group(3))) {
                    good.add(sourcesName + ":" + (i + 1) + ": " + file + " matches");
                } else {
                    problems.add(sourcesName + ":" + (i + 1) + ": " + file + " has " + m.group(1) + " " + actual
                            + ", the sources file says " + m.group(3));
                }
            }
        } catch (IOException e) {
            problems.add(sources + ": cannot read: " + e.getMessage());
        }
        for (SpecFile.Tag t : spec.sourcesAndPatches()) {
            if (t.name().startsWith("source") && spec.expand(t.value()).contains("://")) {
                String base = spec.expand(basename(t.value()));
                if (!base.contains("%") && !listed.contains(base)) {
                    problems.add(spec.at(t.line()) + " -> " + base + " is not listed in " + sourcesName);
                }
            }
        }
        if (!problems.isEmpty()) {
            add(Finding.fail(Rule.SOURCES_CHECKSUM, subject, "'sources' does not match", problems));
        } else if (!unknown.isEmpty()) {
            add(new Finding(Rule.SOURCES_CHECKSUM, subject, Verdict.NOT_EVALUATED,
                    unknown.size() + " digests unknown" + (good.isEmpty() ? "" : ", " + good.size() + " match"), unknown));
        } else if (good.isEmpty()) {
            add(Finding.notEvaluated(Rule.SOURCES_CHECKSUM, subject,
                    missing == 0 ? sourcesName + " lists no digest yet" : "none of the " + missing + " files in "
                            + sourcesName + " is present locally to compare"));
        } else {
            add(Finding.pass(Rule.SOURCES_CHECKSUM, subject, good.size() + " checked"
                    + (missing > 0 ? ", " + missing + " not present locally" : ""), good));
        }
    }

    private void conditionalSources() {
        List<String> bad = spec.sourcesAndPatches().stream().filter(SpecFile.Tag::conditional)
                .map(t -> spec.at(t.line()) + " -> inside a conditional").toList();
        add(Finding.of(Rule.CONDITIONAL_SOURCES, subject, bad, "no conditional Source/Patch",
                "conditional Source/Patch: the SRPM would lack it"));
    }

    private void exclusiveArch() {
        List<SpecFile.Tag> tags = spec.tags().stream()
                .filter(t -> t.name().equals("exclusivearch") || t.name().equals("excludearch")).toList();
        if (tags.isEmpty()) {
            add(Finding.na(Rule.EXCLUSIVEARCH_COMMENT, subject, "no ExclusiveArch/ExcludeArch"));
            return;
        }
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (SpecFile.Tag t : tags) {
            List<String> comment = spec.commentAbove(t.line());
            List<String> tokens = List.of(t.value().strip().split("\\s+"));
            if (comment.isEmpty()) {
                if (tokens.stream().allMatch(x -> ARCH_MACRO.matcher(x).matches())) {
                    good.add(spec.at(t.line()) + " -> a self-describing arch macro: no comment needed");
                } else {
                    bad.add(spec.at(t.line()) + " -> no comment above says why");
                }
                continue;
            }
            Set<String> said = Arches.named(String.join(" ", comment));
            Set<String> listed = Arches.listed(tokens);
            if (!said.isEmpty() && !listed.isEmpty() && !said.equals(listed)) {
                bad.add(spec.at(t.line()) + " -> the comment above names " + String.join(", ", said) + " but the tag lists "
                        + String.join(", ", listed));
            } else {
                good.add(spec.at(t.line()));
            }
        }
        add(bad.isEmpty() ? Finding.pass(Rule.EXCLUSIVEARCH_COMMENT, subject, "justified in a comment, or self-describing",
                good) : Finding.fail(Rule.EXCLUSIVEARCH_COMMENT, subject, "architecture list not explained, or explained"
                + " otherwise than it is", bad));
    }

    private void debuginfo() {
        List<SpecFile.MacroDef> defs = spec.macros().stream()
                .filter(m -> m.name().equals("debug_package") && m.value().matches("%\\{?nil\\}?")).toList();
        if (defs.isEmpty()) {
            add(Finding.na(Rule.DEBUGINFO_COMMENT, subject, "debuginfo not disabled"));
            return;
        }
        List<String> bad = new ArrayList<>();
        for (SpecFile.MacroDef m : defs) {
            if (spec.commentAbove(m.line()).isEmpty()) {
                bad.add(spec.at(m.line()) + " -> no comment above says why");
            }
        }
        add(bad.isEmpty() ? Finding.pass(Rule.DEBUGINFO_COMMENT, subject, "disabled with a comment",
                ev(defs.get(0).line())) : Finding.fail(Rule.DEBUGINFO_COMMENT, subject,
                "debuginfo disabled without a reason", bad));
    }

    private void globalNotDefine() {
        List<String> bad = new ArrayList<>();
        for (int n = 1; n <= spec.lines().size(); n++) {
            if (SpecRules.usesDefine(spec.line(n))) {
                bad.add(spec.at(n));
            }
        }
        add(Finding.of(Rule.GLOBAL_NOT_DEFINE, subject, bad, "only %global", "%define used"));
    }

    private void patchComments() {
        List<SpecFile.Tag> patches = spec.sourcesAndPatches().stream().filter(t -> t.name().startsWith("patch")).toList();
        if (patches.isEmpty()) {
            add(Finding.na(Rule.PATCH_COMMENTS, subject, "no patches"));
            return;
        }
        List<String> bad = new ArrayList<>();
        for (SpecFile.Tag t : patches) {
            String c = String.join(" ", spec.commentAbove(t.line())).toLowerCase(Locale.ROOT);
            if (!c.matches(".*(upstream|https?://|backport|downstream|submitted|fedora-only).*")) {
                bad.add(spec.at(t.line()) + " -> no comment above with the upstream status");
            }
        }
        add(Finding.of(Rule.PATCH_COMMENTS, subject, bad, patches.size() + " patches commented",
                "patches without upstream status"));
    }

    private void summary() {
        List<String> bad = new ArrayList<>();
        for (SpecFile.Tag t : spec.tags()) {
            if (!t.name().equals("summary")) {
                continue;
            }
            String v = spec.expand(t.value());
            if (v.endsWith(".")) {
                bad.add(spec.at(t.line()) + " -> ends with a dot");
            }
            if (v.length() > 80) {
                bad.add(spec.at(t.line()) + " -> " + v.length() + " characters");
            }
        }
        add(Finding.of(Rule.SUMMARY, subject, bad, "Summary fine", "Summary problems"));
    }

    /** The spec generator's own rule (SpecRules): the same exemptions, so both agree. */
    private void lineLength() {
        List<String> bad = new ArrayList<>();
        String section = "preamble";
        for (int n = 1; n <= spec.lines().size(); n++) {
            String l = spec.line(n);
            String opened = SpecRules.sectionOpened(l);
            if (opened != null) {
                section = opened;
            }
            if (SpecRules.tooLong(l, section)) {
                bad.add(spec.label() + ":" + n + ": " + SpecRules.length(l) + " characters");
            }
        }
        add(Finding.of(Rule.LINE_LENGTH, subject, bad, "every line within " + SpecRules.MAX_LINE + " characters"
                + " (changelog, URLs and unwrappable tags exempt)", "lines longer than " + SpecRules.MAX_LINE));
    }

    private void specEncoding() {
        List<String> bad = new ArrayList<>();
        for (int n : spec.nonUtf8Lines()) {
            bad.add(spec.at(n) + " -> not UTF-8 (read as ISO-8859-1)");
        }
        if (spec.crlfLines() > 0) {
            bad.add(spec.label() + ": " + spec.crlfLines() + " lines end in CR LF (DOS line ends)");
        }
        add(Finding.of(Rule.SPEC_ENCODING, subject, bad, "UTF-8, LF line ends", "encoding or line ends"));
    }

    private void checkSection() {
        List<SpecFile.Section> checks = spec.sections("check");
        if (!checks.isEmpty()) {
            List<Integer> body = new ArrayList<>();
            for (SpecFile.Section c : checks) {
                for (int n = c.startLine() + 1; n <= c.endLine(); n++) {
                    String l = spec.line(n).strip();
                    if (!l.isEmpty() && !l.startsWith("#") && !l.matches("^%(if|else|elif|endif)\\b.*")) {
                        body.add(n);
                    }
                }
            }
            boolean placeholder = body.stream().allMatch(n -> PLACEHOLDER.matcher(spec.line(n).strip()).matches());
            if (placeholder) {
                List<String> ev = new ArrayList<>(ev(checks.get(0).startLine()));
                body.forEach(n -> ev.add(spec.at(n)));
                add(Finding.fail(Rule.CHECK_SECTION, subject, body.isEmpty() ? "%check is empty: it tests nothing"
                        : "%check is a placeholder that tests nothing", ev));
            } else {
                add(Finding.pass(Rule.CHECK_SECTION, subject, "%check runs tests", List.of(spec.at(body.get(0)))));
            }
            return;
        }
        for (int n = 1; n <= spec.lines().size(); n++) {
            String l = spec.line(n).strip();
            if (l.startsWith("#") && l.toLowerCase(Locale.ROOT).matches(".*(%check|\\bcheck\\b|test suite|tests?\\b).*")) {
                add(Finding.pass(Rule.CHECK_SECTION, subject, "no %check, justified in a comment", ev(n)));
                return;
            }
        }
        if (ctx.upstream().isEmpty() || ctx.upstream().get().problem().isPresent()) {
            add(Finding.manual(Rule.CHECK_SECTION, subject, "no %check and no comment saying why: does upstream ship a"
                    + " test suite? (" + ctx.upstream().flatMap(UpstreamSource::problem).orElse(ctx.upstreamMissing())
                    + ")"));
            return;
        }
        UpstreamSource up = ctx.upstream().get();
        if (up.testSuite().isEmpty()) {
            add(Finding.na(Rule.CHECK_SECTION, subject, "no %check, and upstream ships no test suite ("
                    + up.tarball().getFileName() + ": no test directory, no check/test target)"));
        } else {
            add(Finding.fail(Rule.CHECK_SECTION, subject, "upstream ships a test suite but the spec has no %check and no"
                    + " comment saying why", up.testSuite().stream().map(t -> up.tarball().getFileName() + ": " + t).toList()));
        }
    }

    private boolean buildText(Pattern p) {
        return buildLine(p).isPresent();
    }

    /** The first line of %prep/%build/%install/%check matching {@code p}. */
    private Optional<Integer> buildLine(Pattern p) {
        for (String kind : List.of("prep", "build", "install", "check")) {
            for (SpecFile.Section s : spec.sections(kind)) {
                for (int n = s.startLine() + 1; n <= s.endLine(); n++) {
                    String l = spec.line(n);
                    if (!l.strip().startsWith("#") && p.matcher(l).find()) {
                        return Optional.of(n);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private List<SpecFile.Tag> buildRequires() {
        return spec.tags().stream().filter(t -> t.name().equals("buildrequires")).toList();
    }

    private void buildRequiresGcc() {
        if (!buildText(USES_C)) {
            add(Finding.na(Rule.BUILDREQUIRES_GCC, subject, "the build does not compile C"));
            return;
        }
        Optional<SpecFile.Tag> gcc = buildRequires().stream()
                .filter(t -> t.value().matches("(?s).*(^|[\\s,])gcc(-c\\+\\+)?([\\s,]|$).*")).findFirst();
        add(gcc.isPresent() ? Finding.pass(Rule.BUILDREQUIRES_GCC, subject, "BuildRequires gcc", ev(gcc.get().line()))
                : Finding.fail(Rule.BUILDREQUIRES_GCC, subject, "the build compiles C but gcc is not in BuildRequires",
                List.of(spec.at(buildLine(USES_C).orElseThrow()) + " -> compiles C")));
    }

    /** %files sections with the full package name each belongs to. */
    private record FilesSection(String pkg, SpecFile.Section section) {
    }

    private List<FilesSection> filesSections() {
        List<FilesSection> out = new ArrayList<>();
        for (SpecFile.Section s : spec.sections("files")) {
            String arg = s.arg().replaceAll("-f\\s+\\S+", "").strip();
            out.add(new FilesSection(spec.packageName(arg.startsWith("-n") ? "-n " + arg.substring(2).strip() : arg), s));
        }
        return out;
    }

    private List<int[]> fileLines(SpecFile.Section s) {
        List<int[]> out = new ArrayList<>();
        for (int n = s.startLine() + 1; n <= s.endLine(); n++) {
            String l = spec.line(n).strip();
            if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("%if") && !l.startsWith("%endif")
                    && !l.startsWith("%else") && !l.startsWith("%license") && !l.startsWith("%doc")) {
                out.add(new int[]{n});
            }
        }
        return out;
    }

    private void develContents() {
        List<String> bad = new ArrayList<>();
        for (FilesSection f : filesSections()) {
            if (f.pkg().endsWith("-devel")) {
                continue;
            }
            for (int[] n : fileLines(f.section())) {
                String l = spec.line(n[0]).strip();
                if (l.matches(".*\\.so\\*?$") || l.contains("%{_includedir}") || l.contains("/usr/include")
                        || l.matches(".*\\.pc$") || l.contains("/pkgconfig")) {
                    bad.add(spec.at(n[0]) + " -> belongs in a -devel package (" + f.pkg() + ")");
                }
            }
        }
        add(Finding.of(Rule.DEVEL_CONTENTS, subject, bad, "development files only in -devel",
                "development files outside -devel"));
    }

    private void develIsaRequires() {
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (SpecFile.Section s : spec.sections("package")) {
            String pkg = spec.packageName(s.arg().startsWith("-n") ? "-n " + s.arg().substring(2).strip() : s.arg());
            if (!pkg.endsWith("-devel")) {
                continue;
            }
            String key = s.arg();
            Optional<SpecFile.Tag> req = spec.tags().stream()
                    .filter(t -> t.name().equals("requires") && t.line() > s.startLine() && t.line() <= s.endLine())
                    .filter(t -> t.value().contains("%{?_isa}")
                            && t.value().matches(".*=\\s*(%\\{\\?epoch:%\\{epoch\\}:\\})?%\\{version\\}-%\\{release\\}.*"))
                    .findFirst();
            if (req.isPresent()) {
                good.add(spec.at(req.get().line()));
            } else {
                bad.add(spec.at(s.startLine()) + " -> " + pkg + " lacks Requires: <base>%{?_isa} = %{version}-%{release}"
                        + (key.isEmpty() ? "" : ""));
            }
        }
        if (bad.isEmpty() && good.isEmpty()) {
            add(Finding.na(Rule.DEVEL_ISA_REQUIRES, subject, "no -devel subpackage"));
        } else {
            add(bad.isEmpty() ? Finding.pass(Rule.DEVEL_ISA_REQUIRES, subject, "arch-specific base requirement", good)
                    : Finding.fail(Rule.DEVEL_ISA_REQUIRES, subject, "-devel without %{?_isa} requirement", bad));
        }
    }

    private void sonameGlob() {
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (FilesSection f : filesSections()) {
            for (int[] n : fileLines(f.section())) {
                String l = spec.line(n[0]).strip();
                if (l.matches(".*\\.so(\\.\\*|\\*)$") || l.matches(".*\\.so\\.\\?\\*.*")) {
                    bad.add(spec.at(n[0]) + " -> globs the SONAME major; name it (e.g. libfoo.so.1{,.*})");
                } else if (l.matches(".*\\.so\\.\\S+")) {
                    good.add(spec.at(n[0]));
                }
            }
        }
        if (bad.isEmpty() && good.isEmpty()) {
            add(Finding.na(Rule.SONAME_GLOB, subject, "no versioned shared library in %files"));
        } else {
            add(bad.isEmpty() ? Finding.pass(Rule.SONAME_GLOB, subject, "SONAME named explicitly", good)
                    : Finding.fail(Rule.SONAME_GLOB, subject, "SONAME major globbed", bad));
        }
    }

    private void noLdconfig() {
        List<String> bad = new ArrayList<>();
        for (int n = 1; n <= spec.lines().size(); n++) {
            if (SpecRules.ldconfig(spec.line(n))) {
                bad.add(spec.at(n));
            }
        }
        add(Finding.of(Rule.NO_LDCONFIG, subject, bad, "no ldconfig scriptlets", "ldconfig scriptlets (not needed on Fedora >= 28)"));
    }

    /** Every file upstream's install puts in the buildroot is in %files (or removed in %install). */
    private void filesMatchInstall() {
        if (ctx.expanded().isEmpty()) {
            add(Finding.notEvaluated(Rule.FILES_MATCH_INSTALL, subject, "needs the spec expanded by rpmspec -P,"
                    + " which did not run"));
            return;
        }
        if (ctx.upstream().isEmpty()) {
            add(Finding.notEvaluated(Rule.FILES_MATCH_INSTALL, subject, ctx.upstreamMissing()));
            return;
        }
        FileList files = FileList.of(ctx.expanded().get());
        if (files.unknown().isPresent()) {
            add(Finding.notEvaluated(Rule.FILES_MATCH_INSTALL, subject, files.unknown().get()));
            return;
        }
        UpstreamSource.Install inst = ctx.upstream().get().install(files.makeArgs(), ctx.sandbox());
        if (!inst.evaluated()) {
            add(Finding.notEvaluated(Rule.FILES_MATCH_INSTALL, subject, inst.notEvaluated()));
            return;
        }
        if (inst.files().isEmpty()) {
            add(Finding.notEvaluated(Rule.FILES_MATCH_INSTALL, subject, "make -n install names no file krunpack can read"));
            return;
        }
        String tarball = ctx.upstream().get().tarball().getFileName().toString();
        List<String> unlisted = inst.files().stream().filter(f -> !files.covers(f))
                .map(f -> f + " -> installed by " + tarball + "'s 'make install', listed in no %files section:"
                        + " rpmbuild stops with 'Installed (but unpackaged) file(s) found'").toList();
        add(unlisted.isEmpty() ? Finding.pass(Rule.FILES_MATCH_INSTALL, subject, inst.files().size()
                + " files upstream installs, each listed", inst.files())
                : Finding.fail(Rule.FILES_MATCH_INSTALL, subject, unlisted.size() + " of the " + inst.files().size()
                + " files upstream installs are in no %files section", unlisted));
    }

    private void rust() {
        boolean cargo = buildText(USES_CARGO)
                || buildRequires().stream().anyMatch(t -> t.value().matches(".*(cargo|rust-packaging|rust-toolset).*"));
        if (!cargo) {
            add(Finding.na(Rule.CRATE_LICENSES, subject, "not a Rust package"));
            add(Finding.na(Rule.RUST_MACROS, subject, "not a Rust package"));
            add(Finding.na(Rule.CRATE_BUILDREQUIRES, subject, "not a Rust package"));
            return;
        }
        add(Finding.manual(Rule.CRATE_LICENSES, subject, "compare License with the licences of the crates linked in"
                + " (cargo tree, %cargo_license_summary)"));
        if (!buildText(Pattern.compile("%\\{?cargo_"))) {
            add(Finding.na(Rule.RUST_MACROS, subject, "no %cargo_* macros used"));
            add(Finding.na(Rule.CRATE_BUILDREQUIRES, subject, "no %cargo_prep: the crates do not come from the system"));
            return;
        }
        boolean has = buildRequires().stream().anyMatch(t -> t.value().matches(".*(cargo-rpm-macros|rust-packaging|rust-toolset).*"));
        add(has ? Finding.pass(Rule.RUST_MACROS, subject, "cargo macros are build-required", List.of())
                : Finding.fail(Rule.RUST_MACROS, subject, "uses %cargo_* without BuildRequires: cargo-rpm-macros", List.of()));
        crateBuildRequires();
    }

    /**
     * {@code %cargo_prep} without {@code -v DIR} builds against the system's crates: each one must be
     * build-required, listed or generated.
     */
    private void crateBuildRequires() {
        Optional<Integer> prep = buildLine(Pattern.compile("%\\{?cargo_prep\\b"));
        if (prep.isEmpty()) {
            add(Finding.na(Rule.CRATE_BUILDREQUIRES, subject, "no %cargo_prep: the crates do not come from the system"));
            return;
        }
        if (spec.line(prep.get()).matches(".*%\\{?cargo_prep\\}?\\s+.*-v\\b.*")) {
            add(new Finding(Rule.CRATE_BUILDREQUIRES, subject, Verdict.NOT_APPLICABLE, "vendored crates (%cargo_prep -v)",
                    ev(prep.get())));
            return;
        }
        List<String> listed = buildRequires().stream().filter(t -> t.value().matches(".*(crate\\(|rust-[A-Za-z0-9_.+-]+-devel).*"))
                .map(t -> spec.at(t.line())).toList();
        Optional<Integer> generated = Optional.empty();
        for (SpecFile.Section s : spec.sections("generate_buildrequires")) {
            for (int n = s.startLine() + 1; n <= s.endLine(); n++) {
                if (spec.line(n).matches(".*%\\{?cargo_generate_buildrequires\\b.*")) {
                    generated = Optional.of(n);
                }
            }
        }
        if (generated.isPresent()) {
            add(Finding.pass(Rule.CRATE_BUILDREQUIRES, subject, "crate BuildRequires generated", ev(generated.get())));
        } else if (!listed.isEmpty()) {
            add(Finding.pass(Rule.CRATE_BUILDREQUIRES, subject, listed.size() + " crate BuildRequires", listed));
        } else {
            add(Finding.fail(Rule.CRATE_BUILDREQUIRES, subject, "builds against system crates (%cargo_prep without -v)"
                    + " but build-requires none and does not generate them", List.of(spec.at(prep.get())
                    + " -> no BuildRequires: crate(...) and no %generate_buildrequires with"
                    + " %cargo_generate_buildrequires")));
        }
    }

    /** The line of the %if enclosing {@code line} and opened after {@code after}, if any. */
    private Optional<Integer> enclosingIf(int line, int after) {
        int depth = 0;
        for (int n = line - 1; n > after; n--) {
            String l = spec.line(n).strip();
            if (l.matches("^%endif\\b.*")) {
                depth++;
            } else if (l.matches("^%if(arch|narch|os|nos)?\\b.*")) {
                if (depth == 0) {
                    return Optional.of(n);
                }
                depth--;
            }
        }
        return Optional.empty();
    }

    /** Checks one dlopen Requires: present, arch-specific, not conditional within its package. */
    private void dlopenRequire(String pkg, String need, List<SpecFile.Tag> requires, int packageStart, String what,
                               List<String> checked, List<String> bad, String where) {
        Optional<SpecFile.Tag> r = requires.stream().filter(t -> t.value().matches("^" + need + "(\\s.*|$|%.*|\\(.*)"))
                .findFirst();
        if (r.isEmpty()) {
            bad.add(where + " -> " + pkg + " dlopens " + what + " but does not Require: " + need + "%{?_isa}");
            return;
        }
        SpecFile.Tag t = r.get();
        checked.add(spec.at(t.line()));
        if (!t.value().matches("^" + need + "%\\{\\?_isa\\}.*")) {
            bad.add(spec.at(t.line()) + " -> not arch-specific: write " + need + "%{?_isa} (without it a library of"
                    + " another architecture satisfies it, and dlopen fails)");
        }
        Optional<Integer> cond = enclosingIf(t.line(), packageStart);
        cond.ifPresent(c -> bad.add(spec.at(t.line()) + " -> only under " + spec.line(c).strip() + " (line " + c
                + "): where that is false " + pkg + " is built without the library it dlopens"));
    }

    private void requiresDlopen() {
        String name = spec.name();
        List<String> checked = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        if (name.equals("libkrun")) {
            checked.add("libkrun");
            dlopenRequire("libkrun", "libkrunfw", spec.mainTags("requires"), 0, "libkrunfw.so.<ABI>", checked, bad,
                    spec.label());
        }
        for (SpecFile.Section s : spec.sections("package")) {
            String pkg = spec.packageName(s.arg().startsWith("-n") ? "-n " + s.arg().substring(2).strip() : s.arg());
            if (!pkg.equals("crun-krun") && !(name.equals("crun") && s.arg().equals("krun"))) {
                continue;
            }
            checked.add(pkg);
            List<SpecFile.Tag> requires = spec.tags().stream()
                    .filter(t -> t.name().equals("requires") && t.line() > s.startLine() && t.line() <= s.endLine())
                    .toList();
            dlopenRequire(pkg, "libkrun", requires, s.startLine(), "libkrun.so.1", checked, bad, spec.at(s.startLine()));
        }
        if (checked.isEmpty()) {
            add(Finding.na(Rule.REQUIRES_DLOPEN, subject, "neither libkrun nor crun-krun"));
        } else {
            add(bad.isEmpty() ? Finding.pass(Rule.REQUIRES_DLOPEN, subject, "dlopen'ed libraries are required,"
                    + " arch-specific and unconditional", checked)
                    : Finding.fail(Rule.REQUIRES_DLOPEN, subject, "dlopen'ed library not required as it must be", bad));
        }
    }

    static boolean isLibkrunfw(String name) {
        return name.equals("libkrunfw") || name.startsWith("libkrunfw-");
    }

    private void kernelExemption() {
        if (!isLibkrunfw(spec.name())) {
            return;
        }
        Optional<SpecFile.Tag> kernel = spec.sourcesAndPatches().stream()
                .filter(t -> t.name().startsWith("source"))
                .filter(t -> KERNEL_TARBALL.matcher(spec.expand(basename(t.value()))).find()
                        || t.value().contains("kernel.org"))
                .findFirst();
        if (kernel.isEmpty()) {
            add(Finding.fail(Rule.KERNEL_TARBALL, subject, "no Source is a pristine linux-X.Y.Z.tar.* tarball", List.of()));
            add(Finding.fail(Rule.EXEMPTION_COMMENT, subject, "no kernel Source to carry the exemption comment", List.of()));
        } else {
            SpecFile.Tag k = kernel.get();
            // a conditional kernel Source is generic.conditional-sources' finding; the SRPM check sees the effect
            add(Finding.pass(Rule.KERNEL_TARBALL, subject, "the pristine kernel tarball is its own Source", ev(k.line())));
            List<String> comment = spec.commentAbove(k.line());
            String c = String.join(" ", comment).toLowerCase(Locale.ROOT);
            if (c.contains("boot") && c.contains("kernel")) {
                List<String> e = new ArrayList<>(ev(k.line()));
                e.addAll(0, comment);
                add(Finding.pass(Rule.EXEMPTION_COMMENT, subject, "the exemption is explained above the kernel Source", e));
            } else {
                add(Finding.fail(Rule.EXEMPTION_COMMENT, subject,
                        "no comment above the kernel Source explains why the kernel cannot boot a machine", ev(k.line())));
            }
        }
        Optional<SpecFile.Tag> lic = spec.tag("license");
        String value = lic.map(t -> spec.expand(t.value())).orElse("");
        boolean gpl = licenses.check(value).identifiers().contains("GPL-2.0-only");
        add(gpl ? Finding.pass(Rule.GPL_LICENSE, subject, "License names GPL-2.0-only", ev(lic.get().line()))
                : Finding.fail(Rule.GPL_LICENSE, subject, "License lacks GPL-2.0-only (the kernel's licence)",
                lic.map(t -> ev(t.line())).orElse(List.of())));
    }
}
