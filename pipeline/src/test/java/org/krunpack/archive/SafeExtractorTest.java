package org.krunpack.archive;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.testing.TarBuilder;
import org.krunpack.testing.TarBuilder.Compression;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeExtractorTest {
    @TempDir
    Path tmp;
    Path work;
    Path outside;
    Path target;

    @BeforeEach
    void setUp() throws IOException {
        // tmp/work/a/b/target: deep enough that "../../x" escapes into directories we watch.
        work = Files.createDirectories(tmp.resolve("work/a/b"));
        outside = Files.createDirectories(tmp.resolve("work/outside"));
        target = work.resolve("target");
    }

    private static TarBuilder sample() {
        return new TarBuilder()
                .dir("linux-6.1/")
                .file("linux-6.1/Makefile", "VERSION = 6\n")
                .dir("linux-6.1/scripts/")
                .file("linux-6.1/scripts/setlocalversion", "#!/bin/sh\necho\n", 0755)
                .file("linux-6.1/include/deep/implicit-parent.h", "/* no dir entry before me */\n")
                .symlink("linux-6.1/scripts/link", "setlocalversion")
                .symlink("linux-6.1/include/up", "../scripts")
                .hardlink("linux-6.1/scripts/hard", "linux-6.1/scripts/setlocalversion");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void extractsEveryCompressionKeepingModesAndLinks(Compression c) throws IOException {
        Path archive = sample().write(tmp.resolve("a.tar." + c.name().toLowerCase()), c);

        SafeExtractor.Result r = SafeExtractor.extract(archive, target);

        Path root = target.resolve("linux-6.1");
        assertThat(root.resolve("Makefile")).hasContent("VERSION = 6");
        assertThat(root.resolve("include/deep/implicit-parent.h")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("scripts/setlocalversion"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("Makefile"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readSymbolicLink(root.resolve("scripts/link"))).isEqualTo(Path.of("setlocalversion"));
        assertThat(Files.readSymbolicLink(root.resolve("include/up"))).isEqualTo(Path.of("../scripts"));
        assertThat(root.resolve("include/up/setlocalversion")).hasContent("#!/bin/sh\necho");
        assertThat(Files.isSameFile(root.resolve("scripts/hard"), root.resolve("scripts/setlocalversion"))).isTrue();
        assertThat(Files.getLastModifiedTime(root.resolve("Makefile")).toMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(r.files()).isEqualTo(3);
        assertThat(r.symlinks()).isEqualTo(2);
        assertThat(r.hardlinks()).isEqualTo(1);
        assertThat(r.topDirectory()).isNull();
        assertThat(siblings()).containsExactly("target");
    }

    @Test
    void stripsTheSingleTopDirectoryWhateverItsName() throws IOException {
        Path archive = sample().write(tmp.resolve("a.tar.xz"), Compression.XZ);

        SafeExtractor.Result r = SafeExtractor.extract(archive, target, true);

        assertThat(r.topDirectory()).isEqualTo("linux-6.1");
        assertThat(target.resolve("Makefile")).hasContent("VERSION = 6");
        assertThat(target.resolve("include/up/setlocalversion")).exists();
        assertThat(Files.isSameFile(target.resolve("scripts/hard"), target.resolve("scripts/setlocalversion"))).isTrue();
    }

    @Test
    void stripRefusesASecondTopLevelEntry() {
        Path archive = new TarBuilder().file("a/x", "1").file("b/y", "2").write(tmp.resolve("two.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target, true), "entry 'b/y'", "top-level directory");
    }

    @Test
    void stripRefusesALinkThatEscapesTheStrippedTop() {
        // Inside the archive's root, but outside the top directory that becomes the target.
        Path archive = new TarBuilder().dir("top/").symlink("top/l", "../top/x").write(tmp.resolve("s.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target, true), "entry 'top/l'", "outside the tree");
    }

    @Test
    void refusesDotDot() {
        Path archive = new TarBuilder().file("ok", "fine").file("x/../../../outside/pwned", "bad")
                .write(tmp.resolve("dotdot.tar.gz"), Compression.GZIP);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'x/../../../outside/pwned'", "'..'");
    }

    @Test
    void refusesAbsolutePath() {
        Path archive = new TarBuilder().file(outside.resolve("pwned").toString(), "bad")
                .write(tmp.resolve("abs.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "absolute path");
    }

    @Test
    void refusesSymlinkEscape() {
        Path archive = new TarBuilder().symlink("evil", "../../outside").write(tmp.resolve("sl.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'evil'", "outside the tree");
    }

    @Test
    void refusesAbsoluteSymlink() {
        Path archive = new TarBuilder().symlink("evil", outside.toString()).write(tmp.resolve("sla.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'evil'", "absolute path");
    }

    @Test
    void refusesSymlinkToDirectoryThenFileWrittenThroughIt() {
        Path archive = new TarBuilder().symlink("evil", "../../outside").file("evil/pwned", "bad")
                .write(tmp.resolve("through.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'evil'");
    }

    @Test
    void refusesWritingThroughEvenAnInsideSymlink() {
        Path archive = new TarBuilder().dir("real/").symlink("alias", "real").file("alias/file", "x")
                .write(tmp.resolve("through-inside.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'alias/file'",
                "through the symbolic link 'alias'");
    }

    @Test
    void refusesALinkThatEscapesOnlyOnceALaterLinkIsKnown() {
        // When "z" arrives, "d" is unknown and d/.. looks like the root; then "d" becomes a link to ".".
        Path archive = new TarBuilder().symlink("z", "d/..").symlink("d", ".").write(tmp.resolve("order.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'z'", "outside the tree");
    }

    @Test
    void refusesLinkChainThatEscapes() {
        Path archive = new TarBuilder().dir("sub/deep/").symlink("sub/deep/up", "../..").symlink("z", "sub/deep/up/..")
                .write(tmp.resolve("chain.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'z'", "outside the tree");
    }

    @Test
    void refusesHardlinkEscape() {
        Path archive = new TarBuilder().hardlink("evil", "../../outside/secret").write(tmp.resolve("hl.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'evil'", "hard link target");
    }

    @Test
    void refusesAbsoluteHardlink() throws IOException {
        Path secret = Files.writeString(tmp.resolve("secret"), "s");
        Path archive = new TarBuilder().hardlink("evil", secret.toString()).write(tmp.resolve("hla.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'evil'", "absolute path");
        assertThat(Files.getAttribute(secret, "unix:nlink")).isEqualTo(1);
    }

    @Test
    void refusesHardlinkThroughASymlink() {
        Path archive = new TarBuilder().dir("d/").symlink("s", "d").file("d/f", "x").hardlink("h", "s/f")
                .write(tmp.resolve("hls.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'h'", "symbolic link 's'");
    }

    @Test
    void hardlinkToASymlinkStaysASymlinkCheckedAtItsNewPlace() {
        // "d/s" -> "../x" is inside; the same link placed at the top would point outside.
        Path archive = new TarBuilder().dir("d/").symlink("d/s", "../x").hardlink("h", "d/s")
                .write(tmp.resolve("hl2sl.tar"), Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'h'", "outside the tree");
    }

    @ParameterizedTest
    @EnumSource(value = Special.class)
    void refusesDevicesAndFifos(Special s) {
        Path archive = new TarBuilder().file("ok", "x").special("dev", s.flag).write(tmp.resolve("dev.tar"),
                Compression.NONE);

        assertRefused(() -> SafeExtractor.extract(archive, target), "entry 'dev'", s.word);
    }

    enum Special {
        CHAR(TarConstants.LF_CHR, "device"), BLOCK(TarConstants.LF_BLK, "device"), FIFO(TarConstants.LF_FIFO, "FIFO");

        final byte flag;
        final String word;

        Special(byte flag, String word) {
            this.flag = flag;
            this.word = word;
        }
    }

    @Test
    void aFailedExtractionLeavesTheExistingTargetAsItWas() throws IOException {
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep"), "old");
        Path archive = new TarBuilder().file("new", "x").file("../escape", "x").write(tmp.resolve("e.tar"),
                Compression.NONE);

        assertThatThrownBy(() -> SafeExtractor.extract(archive, target)).isInstanceOf(KrunpackException.class);

        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("keep");
        }
        assertThat(siblings()).containsExactly("target");
    }

    @Test
    void aSuccessfulExtractionReplacesTheTarget() throws IOException {
        Files.createDirectories(target);
        Files.writeString(target.resolve("stale"), "old");
        Path archive = new TarBuilder().file("fresh", "x").write(tmp.resolve("r.tar"), Compression.NONE);

        SafeExtractor.extract(archive, target);

        assertThat(target.resolve("stale")).doesNotExist();
        assertThat(target.resolve("fresh")).hasContent("x");
        assertThat(siblings()).containsExactly("target");
    }

    @Test
    void aTruncatedArchiveIsRefusedNamingIt() throws IOException {
        Path archive = sample().write(tmp.resolve("t.tar.xz"), Compression.XZ);
        byte[] all = Files.readAllBytes(archive);
        Path cut = Files.write(tmp.resolve("cut.tar.xz"), java.util.Arrays.copyOf(all, all.length / 2));

        assertThatThrownBy(() -> SafeExtractor.extract(cut, target))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("corrupt or truncated");
        assertThat(target).doesNotExist();
        assertThat(siblings()).isEmpty();
    }

    @Test
    void aBrokenCompressionHeaderIsRefusedNamingTheArchive() throws IOException {
        byte[] bad = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8};
        Path archive = Files.write(tmp.resolve("bad.tar.xz"), bad);

        assertThatThrownBy(() -> SafeExtractor.extract(archive, target))
                .isInstanceOfSatisfying(KrunpackException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED))
                .hasMessageContaining(archive.toString());
        assertThat(target).doesNotExist();
        assertThat(siblings()).isEmpty();
    }

    @Test
    void bzip2IsNamedAsUnsupported() throws IOException {
        Path archive = Files.write(tmp.resolve("x.tar.bz2"), "BZh91AY&SY".getBytes());

        assertThatThrownBy(() -> SafeExtractor.extract(archive, target))
                .isInstanceOf(KrunpackException.class)
                .hasMessageContaining("bzip2");
        assertThat(target).doesNotExist();
    }

    private void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... parts) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
                    assertThat(e.getMessage()).contains(tmp.toString()).contains(List.of(parts));
                });
        assertThat(target).doesNotExist();
        assertThat(siblings()).as("nothing left next to the target").isEmpty();
        try (Stream<Path> s = Files.walk(outside)) {
            assertThat(s.skip(1).toList()).as("nothing written outside").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(Files.exists(tmp.resolve("work/pwned"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    private List<String> siblings() {
        try (Stream<Path> s = Files.list(work)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
