package org.krunpack.specgen;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

class ScratchRenderTest {
    @Test
    void render() throws Exception {
        PackagingModel m = ModelReader.read(Path.of("../rpm/packaging.yaml"));
        for (Profile p : Profile.values()) {
            var out = new SpecGenerator(null).renderAll(m, p, "rpm/packaging.yaml");
            for (var e : out.entrySet()) {
                Path f = Path.of("target/scratch/" + p.id() + "/" + e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
            }
        }
        Files.writeString(Path.of("target/scratch/model.yaml"), ModelWriter.write(m));
    }
}
