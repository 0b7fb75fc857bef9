package org.krunpack.specgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one package of the model into the plain data a template sees (maps, lists, strings,
 * booleans): free text already escaped for spec syntax, lists sorted where order carries no meaning,
 * licence chosen by profile. Every key is always present, so a template never needs a default.
 */
public final class SpecData {
    private SpecData() {
    }

    public static Map<String, Object> of(PackageModel p, Profile profile, String generatedBy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generatedBy", generatedBy);
        m.put("profile", profile.id());
        m.put("name", p.name());
        m.put("version", p.version());
        m.put("autorelease", p.autorelease());
        m.put("release", p.autorelease() ? "%autorelease" : p.release() + "%{?dist}");
        m.put("summary", SpecText.escape(p.summary()));
        m.put("description", paragraph(p.description()));
        m.put("license", SpecText.escape(license(p, profile)));
        m.put("ownLicense", SpecText.escape(p.license()));
        m.put("licenseFiles", p.licenseFiles());
        m.put("docFiles", p.docFiles());
        m.put("url", p.url());
        m.put("kernel", p.kernel());
        m.put("abi", p.abi() < 0 ? "" : Integer.toString(p.abi()));

        List<Map<String, Object>> sources = new ArrayList<>();
        List<PackageModel.Source> all = p.allSources();
        for (int i = 0; i < all.size(); i++) {
            PackageModel.Source s = all.get(i);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("index", i);
            x.put("url", s.url());
            x.put("file", Macros.sourceFileName(p, s));
            x.put("comment", s.comment().stream().flatMap(c -> SpecText.comment(c).stream()).toList());
            sources.add(x);
        }
        m.put("sources", sources);
        m.put("releasePatches", releasePatches(p));
        m.put("ownPatches", ownPatches(p));
        m.put("configSource", configSource(p));
        List<Map<String, Object>> patches = new ArrayList<>();
        for (int i = 0; i < p.patches().size(); i++) {
            PackageModel.Patch x = p.patches().get(i);
            patches.add(Map.of("index", i, "file", x.file(), "upstream", SpecText.escape(x.upstream()),
                    "comment", SpecText.comment("Upstream status: " + x.upstream())));
        }
        m.put("patches", patches);
        m.put("arches", Map.of("list", String.join(" ", p.arches().list()), "items", p.arches().list(),
                "reason", SpecText.escape(p.arches().reason()), "restricted", !p.arches().list().isEmpty(),
                "comment", p.arches().list().isEmpty() ? List.of()
                        : SpecText.comment("ExclusiveArch " + String.join(" ", p.arches().list()) + ": "
                                + p.arches().reason())));
        m.put("buildRequires", sorted(p.buildRequires()));
        List<Map<String, Object>> abr = new ArrayList<>();
        for (PackageModel.ArchBuildRequires b : p.archBuildRequires()) {
            abr.add(Map.of("arches", String.join(" ", b.arches()), "requires", sorted(b.requires())));
        }
        m.put("archBuildRequires", abr);

        Map<String, Object> subs = new LinkedHashMap<>();
        List<Map<String, Object>> subList = new ArrayList<>();
        Map<String, Map<String, Object>> bconds = new LinkedHashMap<>();
        Map<String, Object> switches = new LinkedHashMap<>();
        for (PackageModel.Switch sw : p.switches()) {
            Map<String, Object> b = Map.of("name", sw.name(), "default", !sw.defaultOn().equals("off"),
                    "comment", SpecText.comment("--with/--without " + sw.name() + ": " + sw.reason()),
                    "decl", switchDeclaration(sw));
            bconds.put(sw.name(), b);
            List<String> brs = new ArrayList<>(sw.buildRequires());
            List<String> crateBrs = List.of();
            if (sw.name().equals(PackageModel.SYSTEM_CRATES)) {
                // generated from the release by krunpack spec crates; sorted as rust2rpm writes them
                brs.addAll(p.crateBuildRequires().getOrDefault("", List.of()));
            } else {
                // the crates the switch's cargo feature adds, needed only with Fedora's crate packages
                crateBrs = sorted(p.crateBuildRequires().getOrDefault(sw.name(), List.of()));
            }
            switches.put(sw.name(), Map.of("name", sw.name(), "buildRequires", sorted(brs),
                    "crateBuildRequires", crateBrs));
        }
        m.put("systemCrates", p.hasSystemCratesSwitch());
        List<String> unknown = p.crates().stream().filter(c -> c.license().isEmpty())
                .map(c -> c.name() + " " + c.version()).toList();
        m.put("unknownCrateLicenses", unknown.isEmpty() ? List.of() : SpecText.comment("FIXME: the licences of "
                + unknown.size() + " of the " + p.crates().size() + " crates in " + p.cratesFile()
                + " are not known, so License does not cover them yet: regenerate the file with"
                + " krunpack spec crates --vendor VENDOR_TARBALL, or take the build's %cargo_license_summary"));
        m.put("switch", switches);
        m.put("switches", new ArrayList<>(switches.values()));
        for (PackageModel.Subpackage s : p.subpackages()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", s.name());
            x.put("summary", SpecText.escape(s.summary()));
            x.put("description", paragraph(s.description()));
            x.put("arches", String.join(" ", s.arches()));
            x.put("hasArches", !s.arches().isEmpty());
            x.put("bcond", s.bcond());
            x.put("bcondDefault", s.bcondDefault());
            x.put("fedoraOnly", s.fedoraOnly());
            x.put("reason", SpecText.escape(s.reason()));
            x.put("comment", s.reason().isEmpty() ? List.of() : SpecText.comment(s.reason()));
            x.put("conditional", s.conditional());
            x.put("requires", requires(p, s.name()));
            // the crates the subpackage's own build (make SEV=1) adds, with Fedora's crate packages
            // (once per bcond: two subpackages may share one, as libkrunfw's sev and sev-devel do)
            boolean firstOfBcond = subList.stream().noneMatch(o -> s.bcond().equals(o.get("bcond")));
            x.put("crateBuildRequires", s.bcond().isEmpty() || switches.containsKey(s.bcond()) || !firstOfBcond
                    ? List.of() : sorted(p.crateBuildRequires().getOrDefault(s.bcond(), List.of())));
            subs.put(s.name(), x);
            subList.add(x);
            if (!s.bcond().isEmpty() && !bconds.containsKey(s.bcond())) {
                bconds.put(s.bcond(), Map.of("name", s.bcond(), "default", s.bcondDefault(),
                        "comment", SpecText.comment((s.bcondDefault() ? "--without " : "--with ") + s.bcond()
                                + ": " + s.reason()),
                        "decl", List.of((s.bcondDefault() ? "%bcond_without " : "%bcond_with ") + s.bcond())));
            }
        }
        List<Map<String, Object>> own = new ArrayList<>();
        for (PackageModel.Bcond b : p.bconds()) {
            Map<String, Object> x = Map.of("name", b.name(), "default", b.defaultOn(),
                    "comment", b.reason().isEmpty() ? List.of() : SpecText.comment(b.reason()),
                    "decl", List.of((b.defaultOn() ? "%bcond_without " : "%bcond_with ") + b.name()));
            own.add(x);
            bconds.putIfAbsent(b.name(), x);
        }
        m.put("packageBconds", own);
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String slot : PackageModel.Extra.SLOTS) {
            extra.put(slot, p.extra(slot));
        }
        m.put("extra", extra);
        m.put("sub", subs);
        m.put("subpackages", subList);
        m.put("bconds", new ArrayList<>(bconds.values()));
        m.put("requires", requires(p, ""));

        List<Map<String, Object>> crates = new ArrayList<>();
        p.crates().stream().sorted((a, b) -> a.name().equals(b.name()) ? a.version().compareTo(b.version())
                        : a.name().compareTo(b.name()))
                .forEach(c -> crates.add(Map.of("name", c.name(), "version", c.version(),
                        "license", SpecText.escape(c.license()))));
        m.put("crates", crates);

        List<Map<String, Object>> log = new ArrayList<>();
        for (PackageModel.ChangelogEntry e : p.changelog()) {
            List<String> lines = new ArrayList<>();
            for (String l : e.lines()) {
                List<String> w = SpecText.wrap(SpecText.escape(l), 76);
                for (int k = 0; k < w.size(); k++) {
                    lines.add((k == 0 ? "- " : "  ") + w.get(k));
                }
            }
            log.add(Map.of("header", SpecText.changelogHeader(e), "lines", lines));
        }
        m.put("changelog", log);
        return m;
    }

    /** The License tag for a profile: strict adds the statically linked crates' licences. */
    public static String license(PackageModel p, Profile profile) {
        if (profile == Profile.DIST_GIT) {
            return p.distGitLicense().isEmpty() ? p.license() : p.distGitLicense();
        }
        return SpecText.combinedLicense(p.license(), p.crates());
    }

    /**
     * The lines declaring a switch's bcond: on or off, on only in Fedora, on only on some arches
     * (plain %if/%ifarch: {@code %bcond NAME EXPR} needs rpm 4.17.1, newer than EPEL 9's).
     */
    static List<String> switchDeclaration(PackageModel.Switch sw) {
        String on = "%bcond_without " + sw.name();
        String off = "%bcond_with " + sw.name();
        if (sw.defaultOn().equals("off")) {
            return List.of(off);
        }
        List<String> inner = sw.arches().isEmpty() ? List.of(on)
                : List.of("%ifarch " + String.join(" ", sw.arches()), on, "%else", off, "%endif");
        if (sw.defaultOn().equals("on")) {
            return inner;
        }
        List<String> out = new ArrayList<>();
        out.add("%if 0%{?fedora}");
        out.addAll(inner);
        out.add("%else");
        out.add(off);
        out.add("%endif");
        return out;
    }

    /**
     * The release-patch decisions for {@code %prep}: each with its comment (the reason), and for a
     * replacement the Source index that is copied over the release's patch.
     */
    private static List<Map<String, Object>> releasePatches(PackageModel p) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PackageModel.ReleasePatch r : p.releasePatches()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("patch", r.patch());
            x.put("action", r.action());
            x.put("source", r.replace() ? p.sourceIndexOf(r) : -1);
            x.put("fuzz", r.fuzz());
            String what = switch (r.action()) {
                case "replace" -> "patches/" + r.patch() + " is replaced by Source" + p.sourceIndexOf(r)
                        + " (why: see its comment)";
                case "exclude" -> "patches/" + r.patch() + " is not applied";
                default -> "patches/" + r.patch() + " applies at fuzz " + r.fuzz()
                        + " (upstream's Makefile allows up to " + ModelValidator.UPSTREAM_FUZZ + ")";
            };
            x.put("comment", SpecText.comment(r.replace() ? what : what + ": " + r.reason()));
            out.add(x);
        }
        return out;
    }

    /** The project's own kernel patches: the Source index and the name each gets in patches/. */
    private static List<Map<String, Object>> ownPatches(PackageModel p) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<PackageModel.OwnPatch> own = p.projectInputs().patches();
        for (int i = 0; i < own.size(); i++) {
            out.add(Map.of("source", p.ownPatchSourceIndex(i), "target", own.get(i).releaseName(i)));
        }
        return out;
    }

    /**
     * The project's kernel configuration: {@code present} false when the package builds with the
     * release's config; else the Source index, the arch, the variant's make flag ("" generic,
     * {@code SEV=1}, {@code TDX=1}), the release file it stands in for and whether it is fragments.
     */
    private static Map<String, Object> configSource(PackageModel p) {
        PackageModel.ConfigSource c = p.projectInputs().config();
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("present", c != null);
        x.put("source", c == null ? -1 : p.configSourceIndex());
        x.put("arch", c == null ? "" : c.arch());
        x.put("variant", c == null ? "" : c.variant());
        x.put("makeFlag", c == null || c.variant().isEmpty() ? "" : " " + c.variant().toUpperCase(java.util.Locale.ROOT) + "=1");
        x.put("releaseFile", c == null ? "" : c.releaseFile());
        x.put("fragments", c != null && c.fragments());
        return x;
    }

    private static List<Map<String, Object>> requires(PackageModel p, String on) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PackageModel.Requirement r : p.requires()) {
            if (r.subpackage().equals(on)) {
                String dep = r.name() + (r.version().isEmpty() ? "" : " " + r.version());
                out.add(Map.of("name", r.name(), "version", r.version(), "dep", dep,
                        "comment", SpecText.comment(r.reason())));
            }
        }
        return out;
    }

    /** Description items: each escaped and wrapped at 79 columns. */
    private static List<String> paragraph(List<String> items) {
        List<String> out = new ArrayList<>();
        for (String i : items) {
            if (!out.isEmpty()) {
                out.add("");
            }
            out.addAll(SpecText.wrap(SpecText.escape(i), 79));
        }
        return out;
    }

    private static List<String> escape(List<String> lines) {
        return lines.stream().map(SpecText::escape).toList();
    }

    private static List<String> sorted(List<String> l) {
        Set<String> s = new TreeSet<>(new LinkedHashSet<>(l));
        return List.copyOf(s);
    }
}
