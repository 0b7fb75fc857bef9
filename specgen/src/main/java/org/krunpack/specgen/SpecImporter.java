package org.krunpack.specgen;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an existing (dist-git) spec into a package of the model, so a maintainer moving to krunpack
 * keeps what the model can hold: the release, the changelog history, {@code PatchN} lines with the
 * comments above them, build conditions with theirs, and every line of the preamble, {@code %prep},
 * {@code %build}, {@code %install} and {@code %check} that the template does not write itself, kept
 * verbatim in the named slot of its section ({@link PackageModel.Extra}). What it cannot keep
 * (lines of {@code %files} or of subpackage preambles the template does not write) is listed in
 * {@link Result#dropped()}. Everything else (sources, subpackages, files) stays the model's.
 */
public final class SpecImporter {
    private static final Pattern TAG = Pattern.compile("^([A-Za-z]+)(\\d*):\\s*(.*)$");
    private static final Pattern BCOND = Pattern.compile("^%bcond_(with|without)\\s+(\\S+)\\s*$");
    private static final Pattern BCOND_NEW = Pattern.compile("^%bcond\\s+(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern HEADER = Pattern.compile("^\\* (\\w{3} \\w{3} +\\d{1,2} \\d{4}) (.+?)(?: - (\\S+))?\\s*$");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM d yyyy", Locale.ENGLISH);
    private static final Set<String> SLOTTED = Set.of("prep", "build", "install", "check");

    private SpecImporter() {
    }

    /**
     * @param pkg     the model's package (its name is the spec's)
     * @param release the imported Release ("autorelease" or a number)
     * @param dropped lines that have no place in the model, with their line numbers
     */
    public record Result(PackageModel pkg, String release, List<String> dropped) {
    }

    /**
     * @param existing the model's package the spec belongs to
     * @param spec     the spec's text
     * @param render   renders a package with the template the spec will be generated with: lines the
     *                 template writes itself are not kept as verbatim lines
     */
    public static Result importInto(PackageModel existing, String spec, Function<PackageModel, String> render) {
        List<String> problems = new ArrayList<>();
        // the template's own lines, with and without patches (a template may set up differently)
        Map<String, Set<String>> templateLines = sections(render.apply(existing.withImported(List.of(), List.of(),
                List.of(), existing.changelog())));
        sections(render.apply(existing.withImported(List.of(new PackageModel.Patch("x.patch", "x")), List.of(),
                List.of(), existing.changelog()))).forEach((k, v) -> templateLines.computeIfAbsent(k,
                        x -> new HashSet<>()).addAll(v));
        List<String> lines = spec.lines().toList();
        List<String> comment = new ArrayList<>();
        List<PackageModel.Patch> patches = new ArrayList<>();
        List<PackageModel.Bcond> bconds = new ArrayList<>();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        List<String> changelogLines = new ArrayList<>();
        String section = "preamble";
        String version = null;
        String release = existing.release();
        Set<String> subBconds = new HashSet<>();
        existing.subpackages().forEach(s -> subBconds.add(s.bcond()));
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n);
            String s = l.strip();
            String next = sectionOf(s);
            if (next != null) {
                flushComment(comment, extra, section, templateLines);
                section = next;
                continue;
            }
            if (section.equals("changelog")) {
                changelogLines.add(l);
                continue;
            }
            if (section.equals("preamble")) {
                if (s.startsWith("#")) {
                    comment.add(s.replaceFirst("^#\\s?", ""));
                    continue;
                }
                Matcher b = BCOND.matcher(s);
                Matcher bn = BCOND_NEW.matcher(s);
                if (b.matches() || bn.matches()) {
                    String name = b.matches() ? b.group(2) : bn.group(1);
                    boolean on = b.matches() ? b.group(1).equals("without") : !bn.group(2).matches("0|false");
                    if (!subBconds.contains(name)) {
                        bconds.add(new PackageModel.Bcond(name, on, reason(comment)));
                    }
                    comment.clear();
                    continue;
                }
                Matcher t = TAG.matcher(s);
                if (t.matches() && t.group(1).equals("Patch")) {
                    String upstream = reason(comment).replaceFirst("^Upstream status: ", "");
                    patches.add(new PackageModel.Patch(t.group(3).strip(),
                            upstream.isEmpty() ? "not stated in the imported spec" : upstream));
                    comment.clear();
                    continue;
                }
                if (t.matches() && t.group(1).equals("Version")) {
                    version = t.group(3).strip();
                } else if (t.matches() && t.group(1).equals("Release")) {
                    String r = t.group(3).strip();
                    release = r.equals("%autorelease") ? PackageModel.AUTORELEASE : r.replace("%{?dist}", "");
                }
                if (t.matches() && !t.group(1).equals("Requires") && !t.group(1).equals("Provides")
                        && !t.group(1).equals("BuildRequires") && !t.group(1).equals("Recommends")) {
                    comment.clear(); // a tag the model holds (its comment is the model's too)
                    continue;
                }
            }
            if (SLOTTED.contains(section) || section.equals("preamble")) {
                Set<String> own = templateLines.getOrDefault(section, Set.of());
                if (s.isEmpty() || own.contains(l) && comment.isEmpty()) {
                    comment.clear();
                    continue;
                }
                if (s.startsWith("#")) {
                    comment.add(l);
                    continue;
                }
                if (own.contains(l)) {
                    flushComment(comment, extra, section, templateLines);
                    continue;
                }
                flushComment(comment, extra, section, templateLines);
                extra.computeIfAbsent(section, k -> new ArrayList<>()).add(l);
                continue;
            }
            Set<String> own = templateLines.getOrDefault(section, Set.of());
            if (!s.isEmpty() && !own.contains(l)) {
                dropped.add("line " + (n + 1) + " (" + section + "): " + l);
            }
        }
        List<PackageModel.ChangelogEntry> log = changelog(changelogLines, problems);
        if (version != null && !version.equals(existing.version()) && !version.contains("%")) {
            problems.add("Version: '" + version + "' disagrees with the model's (or project file's) '" + existing.version()
                    + "': bump the model first, then import");
        }
        if (!problems.isEmpty()) {
            throw new ModelException("spec import", problems);
        }
        List<PackageModel.Extra> ex = new ArrayList<>();
        for (String slot : PackageModel.Extra.SLOTS) {
            if (extra.containsKey(slot)) {
                ex.add(new PackageModel.Extra(slot, extra.get(slot)));
            }
        }
        PackageModel p = existing.withImported(patches, bconds, ex, log.isEmpty() ? existing.changelog() : log);
        if (!release.equals(existing.release())) {
            p = p.withRelease(p.version(), p.kernel(), release, p.sources(), p.changelog());
        }
        List<String> invalid = ModelValidator.validate(new PackagingModel(List.of(p)));
        if (!invalid.isEmpty()) {
            throw new ModelException("spec import", invalid);
        }
        return new Result(p, release, dropped);
    }

    /** Comment lines seen but not attached to a tag: kept verbatim in the slot, unless the template writes them. */
    private static void flushComment(List<String> comment, Map<String, List<String>> extra, String section,
                                     Map<String, Set<String>> templateLines) {
        if (!comment.isEmpty() && (SLOTTED.contains(section) || section.equals("preamble"))) {
            Set<String> own = templateLines.getOrDefault(section, Set.of());
            for (String c : comment) {
                String line = c.startsWith("#") ? c : "# " + c;
                if (!own.contains(line)) {
                    extra.computeIfAbsent(section, k -> new ArrayList<>()).add(line);
                }
            }
        }
        comment.clear();
    }

    private static String reason(List<String> comment) {
        return String.join(" ", comment.stream().map(String::strip).filter(c -> !c.isEmpty()).toList());
    }

    /** The section a line opens, or null: preamble, description, package, prep, build, ..., files, changelog. */
    static String sectionOf(String s) {
        Matcher m = Pattern.compile("^%(description|package|prep|build|install|check|files|changelog"
                + "|post|postun|pre|preun|generate_buildrequires|conf)\\b.*").matcher(s);
        if (!m.matches()) {
            return null;
        }
        return switch (m.group(1)) {
            case "description", "package" -> s.equals("%description") ? "description" : "subpackage";
            case "files" -> "files";
            default -> m.group(1);
        };
    }

    /** Lines per section of a rendered spec (the template's own text). */
    static Map<String, Set<String>> sections(String spec) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        String section = "preamble";
        for (String l : spec.lines().toList()) {
            String next = sectionOf(l.strip());
            if (next != null) {
                section = next;
                continue;
            }
            out.computeIfAbsent(section, k -> new HashSet<>()).add(l);
        }
        return out;
    }

    /** Fedora changelog entries: header, "- item" lines, indented continuations; {@code %%} read as {@code %}. */
    static List<PackageModel.ChangelogEntry> changelog(List<String> lines, List<String> problems) {
        List<PackageModel.ChangelogEntry> out = new ArrayList<>();
        String date = null;
        String author = null;
        String evr = null;
        List<String> items = new ArrayList<>();
        for (String l : lines) {
            Matcher h = HEADER.matcher(l);
            if (h.matches()) {
                if (date != null) {
                    out.add(new PackageModel.ChangelogEntry(date, author, evr, List.copyOf(items)));
                }
                items.clear();
                try {
                    date = LocalDate.parse(h.group(1).replaceAll(" +", " "), DATE).toString();
                } catch (DateTimeParseException e) {
                    problems.add("%changelog: '" + l + "': not a date like 'Wed Nov 25 2026'");
                    date = "";
                }
                author = h.group(2).strip();
                evr = h.group(3) == null ? "" : h.group(3);
                if (evr.isEmpty()) {
                    problems.add("%changelog: '" + l + "': no '- VERSION-RELEASE' at the end of the header");
                }
                continue;
            }
            String t = l.replace("%%", "%");
            if (t.isBlank()) {
                continue;
            }
            if (t.startsWith("- ") || t.equals("-")) {
                items.add(t.substring(1).strip());
            } else if (!items.isEmpty()) {
                items.set(items.size() - 1, (items.get(items.size() - 1) + " " + t.strip()).strip());
            } else {
                items.add(t.strip());
            }
        }
        if (date != null) {
            out.add(new PackageModel.ChangelogEntry(date, author, evr, List.copyOf(items)));
        }
        return out;
    }
}
