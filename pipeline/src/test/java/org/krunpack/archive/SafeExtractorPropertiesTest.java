package org.krunpack.archive;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.krunpack.core.KrunpackException;
import org.krunpack.testing.TarBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeExtractorPropertiesTest {
    @Provide
    Arbitrary<List<String>> paths() {
        Arbitrary<String> component = Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3);
        return component.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l))
                .list().ofMinSize(1).ofMaxSize(12).uniqueElements();
    }

    @Property(tries = 25)
    void everyFileOfASafeArchiveComesBackWithItsContent(@ForAll("paths") List<String> paths,
                                                         @ForAll TarBuilder.Compression compression) throws IOException {
        Path dir = Files.createTempDirectory("prop");
        try {
            // A path that is a prefix of another must be a directory: keep only leaves as files.
            Map<String, String> files = new LinkedHashMap<>();
            for (String p : paths) {
                boolean isPrefix = paths.stream().anyMatch(o -> o.startsWith(p + "/"));
                boolean underFile = files.keySet().stream().anyMatch(f -> p.startsWith(f + "/"));
                if (!isPrefix && !underFile) {
                    files.put(p, "content of " + p + "\n");
                }
            }
            TarBuilder b = new TarBuilder();
            files.forEach(b::file);
            Path archive = b.write(dir.resolve("a.tar"), compression);

            SafeExtractor.extract(archive, dir.resolve("t"));

            for (Map.Entry<String, String> f : files.entrySet()) {
                assertThat(dir.resolve("t").resolve(f.getKey())).hasContent(f.getValue().strip());
            }
            try (Stream<Path> s = Files.walk(dir.resolve("t"))) {
                assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(files.size());
            }
        } finally {
            org.krunpack.core.AtomicFiles.deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<String> escapingNames() {
        Arbitrary<String> safe = Arbitraries.strings().withCharRange('a', 'c').ofMinLength(1).ofMaxLength(2);
        Arbitrary<String> bad = Arbitraries.of("..", "../..", "/tmp", "/");
        return Combinators.combine(safe.list().ofMaxSize(2), bad, safe.list().ofMinSize(1).ofMaxSize(2))
                .as((pre, b, post) -> {
                    String head = pre.isEmpty() ? "" : String.join("/", pre) + "/";
                    String name = b.startsWith("/") ? b + "/" + head + String.join("/", post)
                            : head + b + "/" + String.join("/", post);
                    return name.replace("//", "/");
                });
    }

    @Property(tries = 25)
    void anEntryWithDotDotOrAnAbsoluteNameIsRefusedAndNothingIsLeft(@ForAll("escapingNames") String name,
                                                                    @ForAll boolean asSymlinkTarget)
            throws IOException {
        Path dir = Files.createTempDirectory("prop");
        try {
            TarBuilder b = new TarBuilder().file("fine", "ok");
            if (asSymlinkTarget && !name.startsWith("/")) {
                // A link whose target climbs out: a/.. is inside, so keep only the ones that really escape.
                b.symlink("l", "../" + name);
            } else if (asSymlinkTarget) {
                b.symlink("l", name);
            } else {
                b.file(name, "bad");
            }
            Path archive = b.write(dir.resolve("a.tar"), TarBuilder.Compression.NONE);

            assertThatThrownBy(() -> SafeExtractor.extract(archive, dir.resolve("t")))
                    .isInstanceOf(KrunpackException.class)
                    .hasMessageContaining(archive.toString());
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("a.tar");
            }
        } finally {
            org.krunpack.core.AtomicFiles.deleteTree(dir);
        }
    }
}
