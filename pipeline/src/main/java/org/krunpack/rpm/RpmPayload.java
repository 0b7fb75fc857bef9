package org.krunpack.rpm;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an RPM's cpio payload (gzip, xz, lzma, bzip2 or zstd compressed) with Commons Compress.
 * The stripped "07070X" format rpm uses for files of 4 GiB or more is recognised and reported as
 * unsupported. Entry names match the header's file list: absolute for binary packages, bare file
 * names for source packages.
 */
public final class RpmPayload {
    private RpmPayload() {
    }

    /** Called once per payload entry; {@code content} is valid only during the call. */
    @FunctionalInterface
    public interface Visitor {
        void visit(String path, long mode, long size, InputStream content) throws IOException;
    }

    /** Visits every entry of the payload in archive order. */
    public static void forEach(RpmPackage pkg, Visitor visitor) {
        String where = pkg.file() + ": payload";
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(pkg.file()), 1 << 16)) {
            raw.skipNBytes(pkg.payloadOffset());
            try (InputStream un = decompress(raw, pkg.payloadCompressor(), where)) {
                BufferedInputStream in = new BufferedInputStream(un, 1 << 16);
                in.mark(6);
                byte[] magic = in.readNBytes(6);
                in.reset();
                String m = new String(magic, java.nio.charset.StandardCharsets.US_ASCII);
                if (m.equals("07070X")) {
                    throw new RpmFormatException(where + ": stripped cpio (rpm large-file format) is not"
                            + " supported by krunpack's reader");
                }
                if (!m.equals("070701") && !m.equals("070702")) {
                    throw new RpmFormatException(where + ": not a newc cpio archive (magic '" + m.strip() + "')");
                }
                try (CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
                    CpioArchiveEntry e;
                    while ((e = cpio.getNextCPIOEntry()) != null) {
                        String name = e.getName();
                        if (name.startsWith("./")) {
                            name = name.substring(1); // binary packages: "./usr/lib64/x" -> "/usr/lib64/x"
                        }
                        visitor.visit(name, e.getMode(), e.getSize(), cpio);
                    }
                }
            }
        } catch (RpmFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RpmFormatException(where + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "): the file is truncated or corrupted", e);
        }
    }

    static InputStream decompress(InputStream in, String compressor, String where) throws IOException {
        return switch (compressor) {
            case "gzip" -> new GzipCompressorInputStream(in, true);
            case "xz" -> new XZCompressorInputStream(in, true);
            case "lzma" -> new LZMACompressorInputStream(in);
            case "bzip2" -> new BZip2CompressorInputStream(in, true);
            case "zstd" -> new ZstdCompressorInputStream(in);
            default -> throw new RpmFormatException(where + ": unsupported payload compressor '" + compressor + "'");
        };
    }
}
