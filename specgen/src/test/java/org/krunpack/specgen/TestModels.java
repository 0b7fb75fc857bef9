package org.krunpack.specgen;

import java.nio.file.Path;
import java.util.List;

/** The checked-in model with facts like the checked-in project file's (specgen cannot read krunpack.yaml). */
final class TestModels {
    static final Path MODEL = Path.of("../rpm/packaging.yaml");
    static final PackageModel.ReleasePatch REPLACE_0008 = new PackageModel.ReleasePatch(
            "0008-virtio-vsock-support-dgrams.patch", "replace", "0008-virtio-vsock-support-dgrams.patch",
            "a".repeat(128), 0, "refreshed for the newer kernel");
    static final List<ProjectFacts> FACTS = List.of(new ProjectFacts("libkrunfw", "krunpack.yaml", "5.5.0",
            "6.12.117", 5, List.of(REPLACE_0008)));

    private TestModels() {
    }

    static PackagingModel checkedIn() {
        return ModelReader.read(MODEL, FACTS);
    }
}
