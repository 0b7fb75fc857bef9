package org.krunpack.specgen;

import java.util.List;
import java.util.Optional;

/**
 * One package of the packaging model: everything a spec needs that is not structure (the file
 * lists and build commands live in the templates).
 *
 * @param name            RPM name (also the template name: {@code <profile>/<name>.spec.ftl})
 * @param version         upstream version
 * @param release         "autorelease" ({@code %autorelease}) or a number N ({@code N%{?dist}})
 * @param summary         one line, no trailing dot
 * @param description     paragraph lines
 * @param license         SPDX expression for what the package ships (without bundled crates)
 * @param distGitLicense  the License dist-git has today, when it differs (dist-git profile only)
 * @param licenseFiles    files for {@code %license}
 * @param docFiles        files for {@code %doc}
 * @param url             upstream home
 * @param kernel          libkrunfw only: the bundled kernel's version (6.12.91), else empty
 * @param abi             libkrunfw and libkrun: the SONAME major, else -1
 * @param sources         Source0, Source1, ... in order
 * @param patches         Patch0, Patch1, ... in order
 * @param arches          ExclusiveArch (empty list: no restriction)
 * @param buildRequires   BuildRequires on every arch
 * @param archBuildRequires BuildRequires on some arches only
 * @param subpackages     subpackages in order
 * @param requires        run-time Requires RPM cannot find itself (dlopen)
 * @param crates          statically linked crates (libkrun): licences for License and bundled()
 * @param changelog       newest first (manual release policy)
 * @param switches        build switches that are not subpackages (bconds with reasons: criu, gpu, ...);
 *                        what a switch does is the template's business, the model says its default
 * @param releasePatches  libkrunfw only: the project file's decisions about single patches of the
 *                        upstream release (replace, exclude, fuzz), never stated in the model file
 * @param bconds          build conditions of the package itself (not tied to a subpackage), with reasons
 * @param extra           spec lines the model cannot express, kept verbatim in named slots (what
 *                        {@code krunpack spec import} could not map), each written at its slot
 */
public record PackageModel(String name, String version, String release, String summary,
                           List<String> description, String license, String distGitLicense,
                           List<String> licenseFiles, List<String> docFiles, String url, String kernel,
                           int abi, List<Source> sources, List<Patch> patches, Arches arches,
                           List<String> buildRequires, List<ArchBuildRequires> archBuildRequires,
                           List<Subpackage> subpackages, List<Requirement> requires, List<Crate> crates,
                           List<ChangelogEntry> changelog, List<Switch> switches, List<ReleasePatch> releasePatches,
                           List<Bcond> bconds, List<Extra> extra) {


    public static final String AUTORELEASE = "autorelease";

    /** The verbatim lines of slot {@code slot}. */
    public List<String> extra(String slot) {
        return extra.stream().filter(e -> e.slot().equals(slot)).flatMap(e -> e.lines().stream()).toList();
    }

    /** A copy with imported history, patches, build conditions and verbatim lines. */
    public PackageModel withImported(List<Patch> newPatches, List<Bcond> newBconds, List<Extra> newExtra,
                                     List<ChangelogEntry> newChangelog) {
        return new PackageModel(name, version, release, summary, description, license, distGitLicense,
                licenseFiles, docFiles, url, kernel, abi, sources, List.copyOf(newPatches), arches, buildRequires,
                archBuildRequires, subpackages, requires, crates, List.copyOf(newChangelog), switches, releasePatches,
                List.copyOf(newBconds), List.copyOf(newExtra));
    }

    /** The model without switches or release-patch decisions (the original shape). */
    public PackageModel(String name, String version, String release, String summary,
                        List<String> description, String license, String distGitLicense,
                        List<String> licenseFiles, List<String> docFiles, String url, String kernel,
                        int abi, List<Source> sources, List<Patch> patches, Arches arches,
                        List<String> buildRequires, List<ArchBuildRequires> archBuildRequires,
                        List<Subpackage> subpackages, List<Requirement> requires, List<Crate> crates,
                        List<ChangelogEntry> changelog) {
        this(name, version, release, summary, description, license, distGitLicense, licenseFiles, docFiles, url,
                kernel, abi, sources, patches, arches, buildRequires, archBuildRequires, subpackages, requires, crates,
                changelog, List.of(), List.of(), List.of(), List.of());
    }

    /** A copy with the project file's values: version, kernel, ABI and the release-patch decisions. */
    public PackageModel withProjectFacts(String newVersion, String newKernel, int newAbi, List<ReleasePatch> decisions) {
        return new PackageModel(name, newVersion, release, summary, description, license, distGitLicense,
                licenseFiles, docFiles, url, newKernel, newAbi, sources, patches, arches, buildRequires,
                archBuildRequires, subpackages, requires, crates, changelog, switches, List.copyOf(decisions), bconds,
                extra);
    }

    /**
     * Every Source the spec declares: the model's, then one per replacement patch (a file kept next
     * to the spec in dist-git, its comment the reason for the replacement).
     */
    public List<Source> allSources() {
        List<Source> out = new java.util.ArrayList<>(sources);
        for (ReleasePatch r : releasePatches) {
            if (r.replace()) {
                out.add(new Source(r.file(), r.sha512(), List.of("Replaces the release's patches/" + r.patch()
                        + " (krunpack.yaml patches.release): " + r.reason())));
            }
        }
        return out;
    }

    /** The Source index of a replacement patch ({@code SourceN}), counted after the model's sources. */
    public int sourceIndexOf(ReleasePatch r) {
        int i = sources.size();
        for (ReleasePatch x : releasePatches) {
            if (x.replace()) {
                if (x.equals(r)) {
                    return i;
                }
                i++;
            }
        }
        throw new IllegalArgumentException("not a replacement of " + name + ": " + r.patch());
    }

    public boolean autorelease() {
        return AUTORELEASE.equals(release);
    }

    /** A copy with a new version, kernel, release, sources and changelog (what a bump changes). */
    public PackageModel withRelease(String newVersion, String newKernel, String newRelease, List<Source> newSources,
                                    List<ChangelogEntry> newChangelog) {
        return new PackageModel(name, newVersion, newRelease, summary, description, license, distGitLicense,
                licenseFiles, docFiles, url, newKernel, abi, List.copyOf(newSources), patches, arches, buildRequires,
                archBuildRequires, subpackages, requires, crates, List.copyOf(newChangelog), switches, releasePatches,
                bconds, extra);
    }

    /** A copy bundling another kernel version (stand-in builds). */
    public PackageModel withKernel(String newKernel) {
        return withRelease(version, newKernel, release, sources, changelog);
    }

    public Optional<Subpackage> subpackage(String suffix) {
        return subpackages.stream().filter(s -> s.name().equals(suffix)).findFirst();
    }

    /**
     * A source file.
     *
     * @param url     URL with macros ({@code %{url}}, {@code %{version}}, {@code %{name}}, {@code %{kernel}})
     * @param sha512  lower-case hex, or empty when the file has not been at hand yet
     * @param comment comment lines written above the SourceN line
     */
    public record Source(String url, String sha512, List<String> comment) {
    }

    /**
     * @param file     the patch file name (next to the spec)
     * @param upstream its upstream status: "submitted: URL", "merged in X", "not upstreamable: why"
     */
    public record Patch(String file, String upstream) {
    }

    /** @param list ExclusiveArch; @param reason why exactly these */
    public record Arches(List<String> list, String reason) {
    }

    /** BuildRequires needed on some arches only. */
    public record ArchBuildRequires(List<String> arches, List<String> requires) {
    }

    /**
     * A subpackage, {@code %{name}-<name>}.
     *
     * @param name         suffix ("devel", "sev", "krun")
     * @param summary      one line
     * @param description  lines
     * @param arches       built only on these arches (empty: all)
     * @param bcond        "" or a build condition name ("sev", "tdx")
     * @param bcondDefault whether the build condition is on by default
     * @param fedoraOnly   built only on Fedora (not RHEL/EPEL)
     * @param reason       why it is conditional (a spec comment), may be empty
     */
    public record Subpackage(String name, String summary, List<String> description, List<String> arches,
                             String bcond, boolean bcondDefault, boolean fedoraOnly, String reason) {
        public boolean conditional() {
            return !arches.isEmpty() || !bcond.isEmpty() || fedoraOnly;
        }
    }

    /**
     * A run-time dependency RPM's generator cannot see.
     *
     * @param subpackage "" for the main package, else a subpackage suffix
     * @param name    what is required
     * @param version a comparison like {@code >= 5.5.0}, or empty
     * @param reason  why (a spec comment)
     */
    public record Requirement(String subpackage, String name, String version, String reason) {
    }

    /** The switch with this name, if the model has one. */
    public Optional<Switch> switchNamed(String switchName) {
        return switches.stream().filter(s -> s.name().equals(switchName)).findFirst();
    }

    /**
     * A build switch: a bcond ({@code --with NAME} / {@code --without NAME}) with its reason.
     *
     * @param name          the bcond name ("criu", "gpu")
     * @param defaultOn     "on", "off", or "fedora" (on in Fedora, off in RHEL/EPEL)
     * @param arches        when not empty, the switch can be on only on these arches (off elsewhere)
     * @param reason        why the switch exists and why its default (a spec comment)
     * @param buildRequires what the switch needs when on
     */
    public record Switch(String name, String defaultOn, List<String> arches, String reason,
                         List<String> buildRequires) {
        public static final List<String> DEFAULTS = List.of("on", "off", "fedora");
    }

    /** A statically linked crate and its SPDX licence. */
    public record Crate(String name, String version, String license) {
    }

    /**
     * A changelog entry. Text is kept as written; the spec escapes it.
     *
     * @param date   ISO date (2026-11-25)
     * @param author {@code Name <email>}
     * @param evr    version-release this entry belongs to
     * @param lines  the entry's items (without the leading "- ")
     */
    public record ChangelogEntry(String date, String author, String evr, List<String> lines) {
    }

    /**
     * A decision of the project file about one patch of the upstream release (libkrunfw's
     * {@code patches/0*.patch}), so the RPM applies exactly the series the pipeline applied.
     *
     * @param patch  the release patch's file name ({@code 0008-virtio-vsock-support-dgrams.patch})
     * @param action "replace", "exclude" or "fuzz"
     * @param file   replace: the replacement's file name (a Source next to the spec), else ""
     * @param sha512 replace: the replacement's SHA-512 (lower-case hex), else ""
     * @param fuzz   fuzz: the fuzz the patch needs, else 0
     * @param reason the maintainer's reason (a spec comment)
     */
    public record ReleasePatch(String patch, String action, String file, String sha512, int fuzz, String reason) {
        public static final List<String> ACTIONS = List.of("replace", "exclude", "fuzz");

        public boolean replace() {
            return action.equals("replace");
        }
    }

    /**
     * A build condition of the package.
     *
     * @param name        the condition ({@code check})
     * @param defaultOn   {@code %bcond_without} (on unless {@code --without}) when true
     * @param reason      the comment above it
     */
    public record Bcond(String name, boolean defaultOn, String reason) {
    }

    /**
     * Spec lines kept verbatim in a named slot.
     *
     * @param slot  where they go: {@code preamble} (after the BuildRequires), {@code prep},
     *              {@code build}, {@code install}, {@code check} (at the end of that section)
     * @param lines the lines, as written
     */
    public record Extra(String slot, List<String> lines) {
        public static final List<String> SLOTS = List.of("preamble", "prep", "build", "install", "check");
    }
}
