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
import java.util.stream.Stream;

/**
 * The crates of a Rust release tarball (libkrun): its Cargo.lock and its workspace members'
 * Cargo.toml, read without running anything of the release ({@code tar} extracts only those files).
 *
 * @param lock         every package of Cargo.lock
 * @param dependencies every dependency the workspace's manifests declare for Linux
 */
public record ReleaseCrates(List<Crates.Locked> lock, List<Crates.Dependency> dependencies) {

    public static ReleaseCrates read(Path tarball, Path scratch) {
        Path dir;
        try {
            Files.createDirectories(scratch);
            dir = Files.createTempDirectory(scratch.toAbsolutePath(), "crates-");
        } catch (IOException e) {
            throw KrunpackException.external("cannot create a directory in " + scratch + ": " + e.getMessage(), e);
        }
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
            for (Path m : manifests) {
                deps.addAll(Crates.parseManifest(Files.readString(m)));
            }
            return new ReleaseCrates(Crates.parseLock(Files.readString(lockFile)), List.copyOf(deps));
        } catch (IOException e) {
            throw KrunpackException.external("cannot read the crates of " + tarball + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTree(dir);
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
