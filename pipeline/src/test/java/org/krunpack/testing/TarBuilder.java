package org.krunpack.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds test tarballs entry by entry (including hostile ones) with Commons Compress. */
public final class TarBuilder {
    /** Output compression. */
    public enum Compression { NONE, GZIP, XZ, ZSTD }

    private interface Entry {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private final List<Entry> entries = new ArrayList<>();

    public TarBuilder dir(String name) {
        return dir(name, 0755);
    }

    public TarBuilder dir(String name, int mode) {
        entries.add(out -> {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(040000 | mode);
            put(out, e, null);
        });
        return this;
    }

    public TarBuilder file(String name, String content) {
        return file(name, content, 0644);
    }

    public TarBuilder file(String name, String content, int mode) {
        entries.add(out -> {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setMode(0100000 | mode);
            e.setSize(data.length);
            put(out, e, data);
        });
        return this;
    }

    public TarBuilder symlink(String name, String target) {
        entries.add(out -> {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
            e.setLinkName(target);
            e.setMode(0120777);
            put(out, e, null);
        });
        return this;
    }

    public TarBuilder hardlink(String name, String target) {
        entries.add(out -> {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            e.setLinkName(target);
            e.setMode(0100644);
            put(out, e, null);
        });
        return this;
    }

    /** An entry of a given type flag (e.g. {@link TarConstants#LF_CHR}, {@link TarConstants#LF_FIFO}). */
    public TarBuilder special(String name, byte type) {
        entries.add(out -> {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(0644);
            put(out, e, null);
        });
        return this;
    }

    private static void put(TarArchiveOutputStream out, TarArchiveEntry e, byte[] data) throws IOException {
        e.setModTime(1_700_000_000_000L);
        out.putArchiveEntry(e);
        if (data != null) {
            out.write(data);
        }
        out.closeArchiveEntry();
    }

    public Path write(Path file, Compression compression) {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream c = compress(raw, compression);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(c, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Entry e : entries) {
                e.write(tar);
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static OutputStream compress(OutputStream raw, Compression c) throws IOException {
        return switch (c) {
            case NONE -> new NonClosing(raw);
            case GZIP -> new GzipCompressorOutputStream(raw);
            case XZ -> new XZCompressorOutputStream(raw, 1);
            case ZSTD -> new ZstdCompressorOutputStream(raw);
        };
    }

    /** Lets the outer try close the raw stream once. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
