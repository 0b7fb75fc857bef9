package org.krunpack.packaging;

import org.krunpack.project.PackagingConfig;
import org.krunpack.specgen.ModelReader;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.Profile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/** Shared test inputs: the 5.4.0 model fixture and the checked-in project. */
final class Fixtures {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path MODEL_540 = Path.of("src/test/resources/specs/packaging-5.4.0.yaml").toAbsolutePath();
    static final String PACKAGER = "Jane Packager <jane@example.org>";
    static final LocalDate DATE = LocalDate.of(2026, 11, 25);

    private Fixtures() {
    }

    /**
     * The checked-in model with the checked-in project's version, kernel and ABI but no release-patch
     * decisions: for builds from a stand-in release, which has no patch 0008 to replace.
     */
    static PackagingModel checkedInWithoutReleasePatches() {
        var project = org.krunpack.project.ProjectLoader.load(ROOT.resolve("krunpack.yaml"));
        return ModelReader.read(ROOT.resolve("rpm/packaging.yaml"), java.util.List.of(new org.krunpack.specgen.ProjectFacts(
                "libkrunfw", "krunpack.yaml", project.libkrunfw().version(), project.kernelVersion(),
                project.libkrunfw().abi(), java.util.List.of())));
    }

    /** The checked-in model as the CLI reads it: with krunpack.yaml's facts and release decisions. */
    static PackagingModel checkedIn() {
        return Specs.readModel(org.krunpack.packaging.ProjectPackaging.config(org.krunpack.project.ProjectLoader.load(ROOT.resolve("krunpack.yaml"))));
    }

    static PackagingModel model540() {
        return ModelReader.read(MODEL_540);
    }

    /** A project-less packaging config whose model is a copy of the 5.4.0 fixture in {@code dir}. */
    static PackagingConfig copyOf540(Path dir, Profile profile) throws Exception {
        Files.createDirectories(dir);
        Path model = dir.resolve("packaging.yaml");
        Files.copy(MODEL_540, model);
        return new PackagingConfig(model, "rpm/packaging.yaml", profile, PACKAGER, null, dir);
    }

    static Bump.Request bump(String pkg, String version, String kernel, Path sourceDir) {
        return new Bump.Request(pkg, version, kernel, sourceDir, DATE, PACKAGER);
    }
}
