package org.krunpack.packaging;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes a crate vendor tarball ({@code NAME-VERSION-vendor.tar.xz}) from a Rust release tarball,
 * with the real {@code cargo vendor}: the release is extracted safely into a scratch folder,
 * {@code cargo vendor --locked --versioned-dirs} fetches exactly the crates of its Cargo.lock
 * (each checked by cargo against the lock's checksum) into {@code vendor/}, and that folder is
 * packed reproducibly (sorted names, owner 0, SOURCE_DATE_EPOCH times), so the same release and
 * lock give the same bytes. cargo vendor runs no code of the crates (no build scripts, no proc
 * macros); it runs in a folder outside the release, so the release's own {@code .cargo/config.toml}
 * is not read. {@code --respect-source-config} lets a crates.io mirror configured in
 * {@code $CARGO_HOME/config.toml} serve the crates (the tests use one; a company proxy would too).
 */
public final class CargoVendor {
    private CargoVendor() {
    }

    /** What was made: the tarball and how many crates it holds. */
    public record Made(Path tarball, int crates) {
    }

    /**
     * @param release the release tarball (Source0), holding Cargo.toml and Cargo.lock at its top
     * @param target  the vendor tarball to write (its suffix chooses the compression)
     * @param env     extra environment for cargo (e.g. CARGO_HOME), may be empty
     */
    public static Made make(Path release, Path target, long sourceDateEpoch, Map<String, String> env) {
        Path cargo = Tools.require("cargo", "cargo (1.78 or later, e.g. from rustup)", "cargo");
        Path scratch;
        try {
            scratch = Files.createTempDirectory(target.toAbsolutePath().getParent(), ".vendor-");
        } catch (IOException e) {
            throw KrunpackException.external("cannot make a scratch folder next to " + target + ": " + e.getMessage());
        }
        try {
            Path src = Files.createDirectories(scratch.resolve("src"));
            SafeExtractor.extractInto(release, src, true);
            if (!Files.isRegularFile(src.resolve("Cargo.lock")) || !Files.isRegularFile(src.resolve("Cargo.toml"))) {
                throw KrunpackException.usage(release + ": no Cargo.toml and Cargo.lock at the top of the release: "
                        + target.getFileName() + " cannot be made from it");
            }
            Path work = Files.createDirectories(scratch.resolve("work"));
            Path vendor = work.resolve("vendor");
            List<String> cmd = List.of(cargo.toString(), "vendor", "--locked", "--versioned-dirs",
                    "--respect-source-config", "--manifest-path", src.resolve("Cargo.toml").toString(),
                    vendor.toString());
            Map<String, String> e = new LinkedHashMap<>(env);
            e.putIfAbsent("CARGO_TERM_COLOR", "never");
            Tools.Result r = Tools.run(cmd, work, e);
            if (!r.ok()) {
                throw KrunpackException.external("cargo vendor for " + release.getFileName() + " failed (exit "
                        + r.exitCode() + "): it needs crates.io (or a mirror in $CARGO_HOME/config.toml) and a cargo"
                        + " that reads the release's Cargo.lock:" + Tools.tail("\n", r.stderr(), 15));
            }
            int crates;
            try (Stream<Path> s = Files.list(vendor)) {
                crates = (int) s.filter(Files::isDirectory).count();
            }
            pack(vendor, "vendor", target, sourceDateEpoch);
            return new Made(target, crates);
        } catch (IOException e) {
            throw KrunpackException.external("cannot make " + target + ": " + e.getMessage());
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    /** Packs {@code dir} as {@code top/...} into {@code target}, reproducibly; symbolic links are refused. */
    static void pack(Path dir, String top, Path target, long sourceDateEpoch) {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.equals(dir)).forEach(entries::add);
        } catch (IOException e) {
            throw KrunpackException.external("cannot read " + dir + ": " + e.getMessage());
        }
        entries.sort((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString()));
        StandInSources.reproducibleTar(target, top, sourceDateEpoch, (tar, mtime) -> {
            for (Path p : entries) {
                String rel = top + "/" + dir.relativize(p).toString().replace('\\', '/');
                if (Files.isSymbolicLink(p)) {
                    throw new KrunpackException(ExitCode.EXTERNAL, p + ": a symbolic link in the vendored"
                            + " crates; refusing to pack it");
                }
                boolean isDir = Files.isDirectory(p);
                TarArchiveEntry e = new TarArchiveEntry(isDir ? rel + "/" : rel);
                e.setModTime(mtime);
                e.setUserId(0);
                e.setGroupId(0);
                e.setUserName("");
                e.setGroupName("");
                if (isDir) {
                    e.setMode(040755);
                    tar.putArchiveEntry(e);
                } else {
                    e.setMode(Files.isExecutable(p) ? 0100755 : 0100644);
                    e.setSize(Files.size(p));
                    tar.putArchiveEntry(e);
                    try (InputStream in = Files.newInputStream(p)) {
                        in.transferTo(tar);
                    }
                }
                tar.closeArchiveEntry();
            }
        });
    }
}
