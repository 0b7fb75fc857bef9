package org.krunpack.packaging;

import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.PackagingConfig;
import org.krunpack.specgen.CratesFile;
import org.krunpack.specgen.Crates;
import org.krunpack.specgen.ModelException;
import org.krunpack.specgen.ModelReader;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.PackagingModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code krunpack spec crates}: a Rust package's crates file generated from its release tarball
 * (Cargo.lock and the workspace's manifests) — the crate BuildRequires for Fedora's crate packages
 * and the locked crates for {@code bundled(crate())} Provides — with the licences of a vendored
 * crate tarball when one is given (else those the previous file knew for the same crate and
 * version); then the specs are regenerated. Nothing of the release runs.
 */
public final class SpecCrates {
    private SpecCrates() {
    }

    /** The crates file for {@code pkg} of the model from {@code release} (nothing written). */
    public static CratesFile generate(PackageModel pkg, Path release, Path vendor, CratesFile previous, Path scratch) {
        ReleaseCrates rc = ReleaseCrates.read(release, scratch);
        String version = rc.versionOf(pkg.name());
        if (version.isEmpty()) {
            throw KrunpackException.usage("--release: " + release + " has no workspace member named '" + pkg.name()
                    + "' (src/" + pkg.name() + "/Cargo.toml): name the " + pkg.name() + " release tarball");
        }
        if (!version.equals(pkg.version())) {
            throw KrunpackException.usage("--release: " + release + " is " + pkg.name() + " " + version
                    + ", but packages." + pkg.name() + ".version is " + pkg.version()
                    + ": name the " + pkg.version() + " release, or change the model's version first");
        }
        Map<String, String> licenses = new TreeMap<>();
        String from;
        if (vendor != null) {
            licenses.putAll(ReleaseCrates.vendorLicenses(vendor, scratch));
            from = "vendor tarball " + vendor.getFileName();
        } else if (previous != null && previous.unknownLicenses().size() < previous.crates().size()) {
            previous.crates().stream().filter(c -> !c.license().isEmpty())
                    .forEach(c -> licenses.put(c.name() + " " + c.version(), c.license()));
            from = previous.licensesFrom().startsWith("kept from ") ? previous.licensesFrom()
                    : "kept from " + previous.licensesFrom();
        } else {
            from = "none (give --vendor)";
        }
        // Crates of every build: the package's own member with no feature; then, per build
        // condition (a switch such as gpu, or a subpackage's bcond such as sev), the crates its
        // cargo features add. The features are those the release's Makefile turns on for
        // make NAME=1 (SEV=1 -> amd-sev), else the member's feature of the same name.
        List<String> base = rc.buildRequires(pkg.name(), List.of());
        Map<String, List<String>> bySwitch = new TreeMap<>();
        Crates.Member root = rc.workspace().stream().filter(m -> m.name().equals(pkg.name())).findFirst().orElseThrow();
        Set<String> conditions = new LinkedHashSet<>();
        pkg.switches().forEach(sw -> conditions.add(sw.name()));
        pkg.subpackages().stream().filter(sp -> !sp.bcond().isEmpty()).forEach(sp -> conditions.add(sp.bcond()));
        for (String name : conditions) {
            List<String> features = rc.makeFeatures().getOrDefault(name.toUpperCase(Locale.ROOT), List.of(name))
                    .stream().filter(root.features()::containsKey).toList();
            if (!features.isEmpty()) {
                List<String> more = new ArrayList<>(rc.buildRequires(pkg.name(), features));
                more.removeAll(base);
                if (!more.isEmpty()) {
                    bySwitch.put(name, List.copyOf(more));
                }
            }
        }
        return new CratesFile(pkg.name(), version, release.getFileName().toString(), Digests.sha512(release), from,
                base, bySwitch, Crates.lockedCrates(rc.lock(), licenses));
    }

    /** The crates file at {@code file} when there is a readable one (its licences are kept), else null. */
    static CratesFile previous(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return CratesFile.read(file);
        } catch (ModelException e) {
            return null; // unreadable: regenerated from scratch, its licences are not carried over
        }
    }

    public static PackagingResult run(PackagingConfig cfg, String packageName, Path release, Path vendor) {
        if (!Files.isRegularFile(release)) {
            throw KrunpackException.usage("--release: " + release + ": no such file (the package's release tarball)");
        }
        if (vendor != null && !Files.isRegularFile(vendor)) {
            throw KrunpackException.usage("--vendor: " + vendor + ": no such file (a tarball made by cargo vendor)");
        }
        PackagingModel model;
        try {
            model = ModelReader.readWithoutCrates(cfg.model(), cfg.facts());
        } catch (ModelException e) {
            throw new KrunpackException(ExitCode.USAGE, e.getMessage(), e.problems(), null);
        }
        PackageModel pkg = model.find(packageName).orElseThrow(() -> KrunpackException.usage("--package: '"
                + packageName + "' is not a package of " + cfg.modelName() + " (known: " + model.names() + ")"));
        if (pkg.cratesFile().isEmpty()) {
            throw KrunpackException.usage(cfg.modelName() + ": packages." + packageName + ".cratesFile is not set:"
                    + " add cratesFile: \"" + packageName + ".crates.yaml\" (and the system_crates switch) to the"
                    + " package, then run this again");
        }
        Path file = cfg.model().toAbsolutePath().getParent().resolve(pkg.cratesFile()).normalize();
        CratesFile cf = generate(pkg, release, vendor, previous(file), Path.of(System.getProperty("java.io.tmpdir")));
        AtomicFiles.writeString(file, cf.render());
        PackagingResult specs = Specs.generate(cfg);
        List<String> summary = new ArrayList<>();
        summary.add(file + ": " + cf.crates().size() + " crates of " + cf.release() + ", " + cf.buildRequires().size()
                + " crate BuildRequires of every build" + cf.switchBuildRequires().entrySet().stream()
                .map(e -> ", " + e.getValue().size() + " more with " + e.getKey()).reduce("", String::concat)
                + "; licences from " + cf.licensesFrom());
        if (!cf.unknownLicenses().isEmpty()) {
            summary.add(cf.unknownLicenses().size() + " crates without a known licence: the spec says so in a FIXME"
                    + " above License; give --vendor VENDOR_TARBALL to read them");
        }
        summary.addAll(specs.summary());
        List<Artifact> artifacts = new ArrayList<>();
        artifacts.add(new Artifact("crates:" + packageName, file));
        artifacts.addAll(specs.artifacts());
        Map<String, Object> details = new LinkedHashMap<>(specs.details());
        details.put("package", packageName);
        details.put("crates", cf.crates().size());
        details.put("buildRequires", cf.buildRequires().size());
        details.put("unknownLicenses", cf.unknownLicenses().size());
        return new PackagingResult("spec-crates", true, artifacts, summary, details);
    }
}
