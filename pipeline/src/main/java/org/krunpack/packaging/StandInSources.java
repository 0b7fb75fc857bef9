package org.krunpack.packaging;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.krunpack.core.AtomicFiles;
import org.krunpack.specgen.Macros;
import org.krunpack.specgen.PackageModel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small STAND-IN source tarballs, named as the spec expects, for {@code rpmbuild -bs} when the real
 * upstream tarballs are not at hand (offline). Each holds a {@code STAND-IN.txt} saying so; they are
 * good for parsing, source-RPM assembly and reproducibility checks, never for a release.
 */
public final class StandInSources {
    private StandInSources() {
    }

    /** Writes a stand-in for every Source of {@code p} that is not in {@code dir} yet; returns the files written. */
    public static List<Path> writeMissing(PackageModel p, Path dir, long sourceDateEpoch) {
        List<Path> out = new ArrayList<>();
        for (PackageModel.Source s : p.allSources()) {
            String file = Macros.sourceFileName(p, s);
            Path target = dir.resolve(file);
            if (Files.exists(target)) {
                continue;
            }
            String top = file.replaceFirst("(\\.tar)?\\.(gz|xz|zst|bz2)$", "").replaceFirst("\\.tar$", "");
            Map<String, String> files = new LinkedHashMap<>();
            files.put("STAND-IN.txt", "Stand-in for " + file + " (Source of " + p.name() + " " + p.version()
                    + "), written by krunpack: NOT the upstream file.\n");
            tarball(target, top, files, sourceDateEpoch);
            out.add(target);
        }
        return out;
    }

    /** A reproducible tarball (sorted as given, owner 0, fixed mtimes), compressed by its suffix. */
    static void tarball(Path target, String top, Map<String, String> files, long sourceDateEpoch) {
        reproducibleTar(target, top, sourceDateEpoch, (tar, mtime) -> {
            for (var f : files.entrySet()) {
                byte[] b = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(top + "/" + f.getKey());
                e.setSize(b.length);
                e.setMode(0100644);
                e.setModTime(mtime);
                tar.putArchiveEntry(e);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        });
    }

    /** Writes the entries below the top folder; {@code mtime} is SOURCE_DATE_EPOCH in milliseconds. */
    @FunctionalInterface
    interface TarBody {
        void write(TarArchiveOutputStream tar, long mtime) throws IOException;
    }

    /**
     * A reproducible tarball: compressed as its name says, a {@code top/} folder entry (0755, fixed
     * time), then what {@code body} writes; written atomically, readable by all.
     */
    static void reproducibleTar(Path target, String top, long sourceDateEpoch, TarBody body) {
        String name = target.getFileName().toString();
        long mtime = sourceDateEpoch * 1000L;
        AtomicFiles.writeStream(target, out -> {
            try (OutputStream c = compressor(name, out); var tar = new TarArchiveOutputStream(c)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                TarArchiveEntry d = new TarArchiveEntry(top + "/");
                d.setMode(040755);
                d.setModTime(mtime);
                tar.putArchiveEntry(d);
                tar.closeArchiveEntry();
                body.write(tar, mtime);
            }
        });
        Specs.readable(target);
    }

    static OutputStream compressor(String name, OutputStream out) throws IOException {
        if (name.endsWith(".xz")) {
            return new XZCompressorOutputStream(out, 1);
        }
        if (name.endsWith(".zst")) {
            return new ZstdCompressorOutputStream(out, 3);
        }
        if (name.endsWith(".gz") || name.endsWith(".tgz")) {
            GzipParameters gp = new GzipParameters();
            gp.setModificationTime(0);
            return new GzipCompressorOutputStream(out, gp);
        }
        return out;
    }
}
