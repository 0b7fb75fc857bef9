package org.krunpack.packaging;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;
import org.krunpack.specgen.Crates;
import org.krunpack.specgen.PackageModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The crates of a Rust release tarball (libkrun): its Cargo.lock and its workspace members'
 * Cargo.toml, read without running anything of the release ({@code tar} extracts only those files).
 *
 * @param lock         every package of Cargo.lock
 * @param dependencies every dependency the workspace's manifests declare for Linux
 * @param makeFeatures the cargo features the release's top-level Makefile turns on per
 *                     {@code make VAR=1} ({@link Crates#makeFeatures}); empty without a Makefile
 */
public record ReleaseCrates(List<Crates.Locked> lock, List<Crates.Dependency> dependencies,
                            List<Crates.Manifest> members, List<Crates.Member> workspace,
                            Map<String, List<String>> makeFeatures) {

    /**
     * The crate BuildRequires of building member {@code root} with {@code features} (its optional
     * crates only when those features turn them on; members the build does not reach add nothing).
     */
    public List<String> buildRequires(String root, java.util.Collection<String> features) {
        return Crates.buildRequires(workspace, root, features);
    }

    /** The version of the workspace member named {@code name} (the release's own version), or "". */
    public String versionOf(String name) {
        return members.stream().filter(m -> m.name().equals(name)).map(Crates.Manifest::version).findFirst().orElse("");
    }

    public static ReleaseCrates read(Path tarball, Path scratch) {
        Path dir = scratchDir(scratch, "crates-");
        try {
            Tools.Result r = Tools.run(List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString(),
                    "--wildcards", "--no-wildcards-match-slash", "*/Cargo.lock", "*/Cargo.toml", "*/src/*/Cargo.toml"),
                    null, null);
            if (!r.ok()) {
                throw KrunpackException.usage(tarball + ": cannot read Cargo.lock and Cargo.toml from it (tar: "
                        + r.stderr().strip() + "): name the release tarball of a Rust workspace");
            }
            Path lockFile;
            List<Path> manifests;
            try (Stream<Path> s = Files.walk(dir)) {
                List<Path> all = s.filter(Files::isRegularFile).sorted().toList();
                lockFile = all.stream().filter(p -> p.getFileName().toString().equals("Cargo.lock")
                        && p.getParent().getParent().equals(dir)).findFirst()
                        .orElseThrow(() -> KrunpackException.usage(tarball + ": no Cargo.lock at the release's top"));
                manifests = all.stream().filter(p -> p.getFileName().toString().equals("Cargo.toml")).toList();
            }
            List<Crates.Dependency> deps = new ArrayList<>();
            List<Crates.Manifest> members = new ArrayList<>();
            List<Crates.Member> workspace = new ArrayList<>();
            for (Path m : manifests) {
                String text = Files.readString(m);
                deps.addAll(Crates.parseManifest(text));
                Crates.Manifest pkg = Crates.parsePackage(text);
                if (pkg != null) {
                    members.add(pkg);
                    workspace.add(Crates.Member.parse(text));
                }
            }
            // the Makefile is optional (a release built by cargo alone has none): tar's refusal is not an error
            Tools.run(List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString(), "--wildcards",
                    "--no-wildcards-match-slash", "*/Makefile"), null, null);
            Path makefile = lockFile.resolveSibling("Makefile");
            Map<String, List<String>> make = Files.isRegularFile(makefile)
                    ? Crates.makeFeatures(Files.readString(makefile)) : Map.of();
            return new ReleaseCrates(Crates.parseLock(Files.readString(lockFile)), List.copyOf(deps), List.copyOf(members),
                    List.copyOf(workspace), Map.copyOf(make));
        } catch (IOException e) {
            throw KrunpackException.external("cannot read the crates of " + tarball + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    /**
     * The licences of the crates in a vendored crate tarball ({@code cargo vendor}'s
     * {@code vendor/<crate>[-<version>]/Cargo.toml}, read without running anything of it):
     * {@code name version} → SPDX expression, "" where a crate states only a licence file.
     */
    public static Map<String, String> vendorLicenses(Path vendorTarball, Path scratch) {
        Path dir = scratchDir(scratch, "vendor-");
        try {
            Tools.Result r = Tools.run(List.of("tar", "-xf", vendorTarball.toAbsolutePath().toString(), "-C", dir.toString(),
                    "--wildcards", "*/Cargo.toml"), null, null);
            if (!r.ok()) {
                throw KrunpackException.usage("--vendor: " + vendorTarball + ": cannot read the crates' Cargo.toml from it"
                        + " (tar: " + r.stderr().strip() + "): name a tarball made by cargo vendor");
            }
            Map<String, String> out = new TreeMap<>();
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path m : s.filter(p -> p.getFileName().toString().equals("Cargo.toml")).sorted().toList()) {
                    Crates.Manifest pkg = Crates.parsePackage(Files.readString(m));
                    if (pkg != null && !pkg.version().isEmpty()) {
                        out.put(pkg.name() + " " + pkg.version(), pkg.license());
                    }
                }
            }
            if (out.isEmpty()) {
                throw KrunpackException.usage("--vendor: " + vendorTarball + " holds no crate (no */*/Cargo.toml with"
                        + " a [package]): name a tarball made by cargo vendor");
            }
            return out;
        } catch (IOException e) {
            throw KrunpackException.external("cannot read the crates of " + vendorTarball + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    /** A new temporary directory under {@code scratch} (the caller deletes it). */
    private static Path scratchDir(Path scratch, String prefix) {
        try {
            Files.createDirectories(scratch);
            return Files.createTempDirectory(scratch.toAbsolutePath(), prefix);
        } catch (IOException e) {
            throw KrunpackException.external("cannot create a directory in " + scratch + ": " + e.getMessage(), e);
        }
    }

    /** rust2rpm-style crate BuildRequires (bcond system_crates). */
    public List<String> buildRequires() {
        return Crates.buildRequires(dependencies);
    }

    /** bundled(crate()) Provides of a vendored build. */
    public List<String> bundledProvides() {
        return Crates.bundledProvides(lock);
    }

    /** Exit 2 naming each model field whose crate does not match the release's lock. */
    public void checkModel(PackageModel pkg, String modelFile) {
        List<String> problems = Crates.check("packages." + pkg.name(), pkg.crates(), lock);
        if (!problems.isEmpty()) {
            throw new KrunpackException(ExitCode.USAGE, modelFile + ": the crate list does not match the release ("
                    + problems.size() + " problem(s)):\n  - " + String.join("\n  - ", problems), problems, null);
        }
    }
}
