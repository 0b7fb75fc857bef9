package org.krunpack.bundle;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.krunpack.testing.Golden;
import org.krunpack.testing.HexDump;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The libraries {@link Bundler} writes for small synthetic inputs, byte for byte, against golden
 * hex dumps (./scripts/regen-golden rewrites them). Needs no tool: the writer is pure Java.
 * LibraryLoaderTest checks the same libraries with binutils and real dynamic loaders.
 */
class LibraryGoldenTest {
    @TempDir
    Path tmp;

    static Iterable<BundleCases> cases() {
        return BundleCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void libraryMatchesItsGoldenHexDump(BundleCases c) throws Exception {
        BundleResult r = Bundler.bundle(c.request(tmp.resolve("in"), tmp.resolve("out")));
        Golden.assertMatches("bundle/" + c.name() + "/" + r.library().getFileName() + ".hex", HexDump.of(r.library()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameInputsElsewhereGiveTheSameBytesAndBuildId(BundleCases c) throws Exception {
        BundleResult a = Bundler.bundle(c.request(tmp.resolve("a/in"), tmp.resolve("a/out")));
        BundleResult b = Bundler.bundle(c.request(tmp.resolve("b/somewhere/else"), tmp.resolve("b/o")));
        assertThat(Files.mismatch(a.library(), b.library())).isEqualTo(-1L);
        assertThat(a.buildId()).hasSize(40).isEqualTo(b.buildId());
        assertThat(a.sha512()).isEqualTo(b.sha512());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDifferentPayloadByteChangesTheBuildId(BundleCases c) throws Exception {
        BundleResult a = Bundler.bundle(c.request(tmp.resolve("a/in"), tmp.resolve("a/out")));
        BundleRequest req = c.request(tmp.resolve("b/in"), tmp.resolve("b/out"));
        byte[] image = Files.readAllBytes(req.image());
        int at = new String(image, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("test");
        image[at] ^= 0x20; // "test" lies in the payload of every case
        Files.write(req.image(), image);
        BundleResult b = Bundler.bundle(req);
        assertThat(b.buildId()).isNotEqualTo(a.buildId());
        assertThat(Files.size(b.library())).isEqualTo(Files.size(a.library()));
    }
}
