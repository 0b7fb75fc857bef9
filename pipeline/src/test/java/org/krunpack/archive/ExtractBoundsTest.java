package org.krunpack.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.testing.TarBuilder;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Bounds on extraction: bombs are stopped at the limit, by streaming (nothing before the limit is
 * held), each refusal exit 2 naming the limit, the entry and the option that raises it; corrupt
 * archives are named as such (never "null").
 */
class ExtractBoundsTest {
    @TempDir
    Path tmp;

    private static final ExtractLimits SMALL = new ExtractLimits(1L << 20, 1000, 512 << 10, 200, 12);

    private KrunpackException refused(Path archive, ExtractLimits limits) {
        Path target = tmp.resolve("out/tree");
        KrunpackException e = catchThrowableOfType(KrunpackException.class, () -> SafeExtractor.extract(archive, target,
                true, SafeExtractor.Options.of(limits, null)));
        assertThat(e).as("refused").isNotNull();
        assertThat(target).as("nothing published").doesNotExist();
        assertThat(e.getMessage()).doesNotContain("null").hasSizeLessThan(800);
        return e;
    }

    private static void assertNamesLimit(KrunpackException e, String limit, String entry) {
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.getMessage()).contains("sources.limits." + limit).contains(entry)
                .contains("raise sources.limits." + limit);
    }

    /** A tarball of {@code n} empty files, streamed to disk (never held in memory). */
    private Path emptyEntries(int n) throws IOException {
        Path f = tmp.resolve("million.tar.gz");
        try (OutputStream raw = Files.newOutputStream(f);
             OutputStream gz = new GZIPOutputStream(raw, 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             };
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            TarArchiveEntry d = new TarArchiveEntry("top/");
            tar.putArchiveEntry(d);
            tar.closeArchiveEntry();
            for (int i = 0; i < n; i++) {
                TarArchiveEntry e = new TarArchiveEntry("top/f" + i);
                e.setSize(0);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return f;
    }

    @Test
    void aMillionEmptyEntriesAreStoppedAtTheCountLimitHavingReadAFractionOfTheArchive() throws IOException {
        Path bomb = emptyEntries(1_000_000);
        long size = Files.size(bomb);
        long[] read = {0};
        Path dir = Files.createDirectories(tmp.resolve("into"));
        KrunpackException e;
        try (InputStream in = new FilterInputStream(Files.newInputStream(bomb)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read[0] += Math.max(0, n);
                return n;
            }
        }) {
            e = catchThrowableOfType(KrunpackException.class,
                    () -> SafeExtractor.extractInto(in, bomb, dir, true, SMALL));
        }
        assertNamesLimit(e, "entries", "top/f999");
        assertThat(e.getMessage()).contains("more than 1000 entries");
        // Streaming: stopped after about 1000 of 10^6 entries (plus the read-ahead), not at the end.
        assertThat(read[0]).isLessThan(size / 10);
        try (var s = Files.list(dir.resolve("top") )) {
            assertThat(s.count()).isLessThanOrEqualTo(1000);
        } catch (java.nio.file.NoSuchFileException stripped) {
            // stripped into dir itself
        }
    }

    @Test
    void aFileLargerThanTheEntryLimitIsRefusedFromItsHeaderBeforeAnythingIsWritten() throws IOException {
        // The header claims 10 GiB; only 64 KiB follow (a bomb needs no more to be refused).
        Path f = tmp.resolve("bomb.tar");
        try (OutputStream raw = Files.newOutputStream(f);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(raw)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.putArchiveEntry(new TarArchiveEntry("top/"));
            tar.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("top/zeros");
            e.setSize(10L << 30);
            tar.putArchiveEntry(e);
            tar.write(new byte[64 << 10]);
            tar.flush();
        } catch (IOException expectedOnClose) {
            // the entry is short on purpose
        }
        KrunpackException e = refused(f, ExtractLimits.DEFAULTS);
        assertNamesLimit(e, "entryBytes", "top/zeros");
        assertThat(e.getMessage()).contains("10737418240 bytes");
    }

    @Test
    void theTotalOfEveryFileIsBounded() {
        String half = "x".repeat(400 << 10);
        Path f = new TarBuilder().dir("top/").file("top/a", half).file("top/b", half).file("top/c", half)
                .write(tmp.resolve("total.tar.xz"), TarBuilder.Compression.XZ);
        assertNamesLimit(refused(f, SMALL), "totalBytes", "top/c");
    }

    @Test
    void aLongNameIsRefusedWithAShortMessage() {
        String name = "top/" + "n".repeat(5000);
        Path f = new TarBuilder().dir("top/").file(name, "x").write(tmp.resolve("long.tar.gz"),
                TarBuilder.Compression.GZIP);
        KrunpackException e = refused(f, ExtractLimits.DEFAULTS);
        assertNamesLimit(e, "pathLength", "top/nnnn");
        assertThat(e.getMessage()).contains("5004 characters");
    }

    @Test
    void aDeepPathIsRefusedNamingTheDepthLimit() {
        String name = "top/" + "d/".repeat(60) + "f";
        Path f = new TarBuilder().dir("top/").file(name, "x").write(tmp.resolve("deep.tar.gz"),
                TarBuilder.Compression.GZIP);
        assertNamesLimit(refused(f, ExtractLimits.DEFAULTS), "depth", "top/d/d");
    }

    @Test
    void threeThousandLevelsAreAUsageErrorNotAnExternalFailure() {
        String name = "top/" + "a/".repeat(3000) + "f";
        Path f = new TarBuilder().dir("top/").file(name, "x").write(tmp.resolve("deeper.tar.gz"),
                TarBuilder.Compression.GZIP);
        KrunpackException e = refused(f, ExtractLimits.DEFAULTS);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.getMessage()).contains("sources.limits.");
    }

    @Test
    void aSymbolicLinkTargetIsBoundedToo() {
        Path f = new TarBuilder().dir("top/").symlink("top/l", "x/".repeat(300)).write(tmp.resolve("link.tar.gz"),
                TarBuilder.Compression.GZIP);
        assertNamesLimit(refused(f, SMALL), "pathLength", "top/l");
    }

    @Test
    void aTruncatedArchiveSaysSoAndNeverNull() throws IOException {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            big.append(i).append(' ').append(Integer.toHexString(i * 7919)).append('\n');
        }
        for (TarBuilder.Compression c : new TarBuilder.Compression[]{TarBuilder.Compression.GZIP,
                TarBuilder.Compression.XZ, TarBuilder.Compression.ZSTD, TarBuilder.Compression.NONE}) {
            Path whole = new TarBuilder().dir("top/").file("top/a", big.toString()).file("top/b", big.toString())
                    .write(tmp.resolve("whole-" + c), c);
            byte[] b = Files.readAllBytes(whole);
            // Half way (in a file's data) and 700 bytes in (in the second header).
            for (int at : new int[]{b.length / 2, 700}) {
            Path cut = Files.write(tmp.resolve("cut-" + at + c), java.util.Arrays.copyOf(b, at));
            KrunpackException e = catchThrowableOfType(KrunpackException.class, () -> SafeExtractor.extract(cut,
                    tmp.resolve("t-" + at + c), true));
            assertThat(e).as(c.toString()).isNotNull();
            assertThat(e.getMessage()).as(c.toString()).doesNotContain("null");
            assertThat(e.exitCode()).as(c.toString()).isEqualTo(ExitCode.CHECK_FAILED);
            assertThat(e.getMessage()).as(c.toString()).contains("truncated");
            }
        }
    }
}
