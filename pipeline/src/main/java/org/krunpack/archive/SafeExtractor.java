package org.krunpack.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Extracts a tar archive (plain, gzip, xz or zstd; detected from its first bytes) without letting
 * any entry write outside the target, streaming (the archive is never held in memory).
 *
 * <p>Refused, naming the archive and the entry: absolute names, names with a {@code ..}
 * component, symbolic links with an absolute target or whose target resolves outside the tree
 * (following the archive's own links, checked again once every link is known), entries written
 * through a symbolic link, hard links whose target is absolute, contains {@code ..} or is not a
 * file extracted before, device and FIFO entries, and unknown entry types. Symbolic links are
 * created last, so no write ever goes through one.
 *
 * <p>Permission bits (rwx for user, group, other) and modification times are kept; owners,
 * set-id and sticky bits are not. {@link #extract} fills a temporary directory next to the target
 * and renames it into place when complete: on any refusal or error nothing is left behind.
 */
public final class SafeExtractor {
    private static final int BUFFER = 1 << 17;
    private static final int MAX_LINK_HOPS = 40;

    /** What an extraction did. {@code topDirectory} is the stripped top directory's name, or null. */
    public record Result(Path target, long entries, long files, long directories, long symlinks,
                         long hardlinks, long bytes, String topDirectory) {
    }

    private SafeExtractor() {
    }

    /**
     * How to extract: the bounds, and the SHA-512 the bytes read must have (null: not checked).
     * {@code afterOpen} runs once the archive is open and before any byte is read (a test hook: what
     * it does to the path, e.g. replacing the file, must not change what is extracted).
     */
    public record Options(ExtractLimits limits, String sha512, Runnable afterOpen, java.util.function.LongConsumer onBytes) {
        public static final Options DEFAULTS = new Options(ExtractLimits.DEFAULTS, null, null, null);

        public Options {
            java.util.Objects.requireNonNull(limits);
        }

        public static Options of(ExtractLimits limits, String sha512) {
            return new Options(limits, sha512, null, null);
        }

        public Options afterOpen(Runnable hook) {
            return new Options(limits, sha512, hook, onBytes);
        }

        public Options onBytes(java.util.function.LongConsumer progress) {
            return new Options(limits, sha512, afterOpen, progress);
        }
    }

    /** What an extraction did, and the SHA-512 of every byte of the archive file it read. */
    public record Verified(Result result, String sha512) {
    }

    /** Extracts {@code archive} into {@code target} (created, or replaced once complete). */
    public static Result extract(Path archive, Path target) {
        return extract(archive, target, false);
    }

    /**
     * Extracts {@code archive} into {@code target} atomically. With {@code stripTopDirectory} the
     * archive must hold a single top-level directory (whatever its name) whose contents become the
     * target's contents.
     */
    public static Result extract(Path archive, Path target, boolean stripTopDirectory) {
        return extract(archive, target, stripTopDirectory, Options.DEFAULTS);
    }

    /** As {@link #extract(Path, Path, boolean)}, with bounds and the digest the bytes read must have. */
    public static Result extract(Path archive, Path target, boolean stripTopDirectory, Options options) {
        Result[] result = new Result[1];
        AtomicFiles.writeDirectory(target, tmp -> result[0] = extractInto(archive, tmp, stripTopDirectory, options)
                .result());
        Result r = result[0];
        return new Result(target, r.entries(), r.files(), r.directories(), r.symlinks(), r.hardlinks(), r.bytes(),
                r.topDirectory());
    }

    /**
     * Extracts into an existing empty directory, not atomically: the caller removes {@code dir}
     * on failure (as {@link #extract} does).
     */
    public static Result extractInto(Path archive, Path dir, boolean stripTopDirectory) {
        return extractInto(archive, dir, stripTopDirectory, Options.DEFAULTS).result();
    }

    /**
     * Extracts into an existing empty directory (not atomically: the caller removes {@code dir} on
     * failure). The archive is opened once; the SHA-512 is computed over exactly the bytes read from
     * that one open file (what is decompressed and extracted, then the rest of the file), so a file
     * replaced by path after it was checked cannot be extracted under the checked digest: when
     * {@code options.sha512()} is set and differs, nothing counts (exit 1).
     */
    public static Verified extractInto(Path archive, Path dir, boolean stripTopDirectory, Options options) {
        if (!Files.isRegularFile(archive)) {
            String kind = org.krunpack.core.Inputs.kind(archive);
            throw KrunpackException.usage(archive + (kind.equals("missing") ? ": archive not found"
                    : " is " + kind + ", not an archive; name a regular file"));
        }
        MessageDigest md = Digests.md("SHA-512");
        Result r;
        try (InputStream file = Files.newInputStream(archive)) {
            if (options.afterOpen() != null) {
                options.afterOpen().run();
            }
            DigestInputStream in = new DigestInputStream(new Counting(file, options.onBytes()), md);
            r = extractInto(in, archive, dir, stripTopDirectory, options.limits());
            in.transferTo(OutputStream.nullOutputStream()); // the rest of the file is part of its digest
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL, archive + ": cannot read: " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (options.sha512() != null && !options.sha512().equals(actual)) {
            throw KrunpackException.checkFailed(archive + ": the bytes extracted have SHA-512 " + actual
                    + ", not the " + options.sha512() + " checked before: the file changed while krunpack read it."
                    + " Nothing was installed; run again once the file is stable");
        }
        return new Verified(r, actual);
    }

    /**
     * Extracts from an already opened stream (the caller may digest exactly the bytes extracted,
     * e.g. through a {@link java.security.DigestInputStream}); {@code archive} names it in messages.
     * Not atomic: the caller removes {@code dir} on failure. The stream is not closed.
     */
    public static Result extractInto(InputStream raw, Path archive, Path dir, boolean stripTopDirectory) {
        return extractInto(raw, archive, dir, stripTopDirectory, ExtractLimits.DEFAULTS);
    }

    /** As {@link #extractInto(InputStream, Path, Path, boolean)}, within {@code limits}. */
    public static Result extractInto(InputStream raw, Path archive, Path dir, boolean stripTopDirectory,
                                     ExtractLimits limits) {
        InputStream shield = new java.io.FilterInputStream(raw) {
            @Override
            public void close() {
                // the caller owns the stream (and may read the rest of it)
            }
        };
        try (InputStream decompressed = open(archive, new BufferedInputStream(shield, BUFFER));
             Blocks blocks = new Blocks(decompressed);
             TarArchiveInputStream tar = new TarArchiveInputStream(blocks, "UTF-8")) {
            Result r = new Run(archive, dir, stripTopDirectory, limits).run(tar);
            if (blocks.eof && blocks.count % 512 != 0) {
                // commons-compress takes a header cut short for the end of the archive
                throw KrunpackException.checkFailed(archive + ": the archive ends in the middle of a tar header"
                        + " (truncated?) after " + blocks.count + " bytes; nothing was written to the target");
            }
            return r;
        } catch (IOException e) {
            throw new KrunpackException(ExitCode.EXTERNAL, archive + ": cannot extract into " + dir + ": "
                    + describe(e) + " (check free space and permissions)", e);
        }
    }

    /** An exception's message, never "null". */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.io.EOFException || (m == null && e.getCause() instanceof java.io.EOFException)) {
            return "the archive ends in the middle of its data" + (m != null ? " (" + m + ")" : "");
        }
        if (m == null || m.isBlank()) {
            return e.getCause() != null && e.getCause() != e ? describe(e.getCause()) : e.getClass().getSimpleName();
        }
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    /** Counts the tar stream's bytes and sees its end, to tell a truncated header from the archive's end. */
    private static final class Blocks extends java.io.FilterInputStream {
        long count;
        boolean eof;

        Blocks(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                eof = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                eof = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count += Math.max(0, k);
            return k;
        }
    }

    /** Counts bytes read, for progress (every 4 MiB). */
    private static final class Counting extends java.io.FilterInputStream {
        private final java.util.function.LongConsumer onBytes;
        private long count;
        private long reported;

        Counting(InputStream in, java.util.function.LongConsumer onBytes) {
            super(in);
            this.onBytes = onBytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (onBytes != null && count - reported >= (4 << 20)) {
                reported = count;
                onBytes.accept(count);
            }
        }
    }

    /**
     * Reads one file at the top of the archive's single top-level directory (e.g. the kernel's
     * {@code Makefile}) by streaming, without extracting anything; at most {@code maxBytes}.
     *
     * @return the file's bytes, or null when the archive has no such file
     */
    public static byte[] readTopLevelFile(Path archive, String name, long maxBytes) {
        try (InputStream raw = Files.newInputStream(archive);
             InputStream decompressed = open(archive, new BufferedInputStream(raw, BUFFER));
             TarArchiveInputStream tar = new TarArchiveInputStream(decompressed, "UTF-8")) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String n = e.getName();
                while (n.startsWith("./")) {
                    n = n.substring(2);
                }
                int slash = n.indexOf('/');
                if (e.isFile() && slash > 0 && n.substring(slash + 1).equals(name)) {
                    if (e.getSize() > maxBytes) {
                        throw KrunpackException.checkFailed(archive + ": " + n + " is " + e.getSize()
                                + " bytes, more than the " + maxBytes + " expected");
                    }
                    return tar.readNBytes((int) e.getSize());
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            if (e instanceof KrunpackException k) {
                throw k;
            }
            throw KrunpackException.checkFailed(archive + ": cannot read the archive (corrupt or truncated?): "
                    + describe(e));
        }
    }

    private static InputStream open(Path archive, BufferedInputStream in) {
        try {
            return decompress(archive, in);
        } catch (IOException e) {
            throw KrunpackException.checkFailed(archive + ": cannot read the archive's header (corrupt?): "
                    + describe(e) + "; nothing was written to the target");
        }
    }

    /** The compression, detected from the magic bytes (the file name may lie). */
    static InputStream decompress(Path archive, BufferedInputStream in) throws IOException {
        in.mark(8);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return readAhead(new GzipCompressorInputStream(in, true));
        }
        if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z'
                && magic[3] == 'X' && magic[4] == 'Z' && magic[5] == 0) {
            return readAhead(new XZCompressorInputStream(in));
        }
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return readAhead(new ZstdCompressorInputStream(in));
        }
        if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
            throw KrunpackException.usage(archive + ": bzip2 archives are not supported (use .tar.xz, .tar.gz,"
                    + " .tar.zst or .tar)");
        }
        return in;
    }

    /** Decompresses on a second thread, a few MiB ahead of the extraction. */
    private static InputStream readAhead(InputStream decompressor) {
        return new ReadAheadInputStream(decompressor, 1 << 20, 8, "krunpack-decompress");
    }

    /** One extraction: the state needed to check entries against each other. */
    private static final class Run {
        private final Path archive;
        private final Path root;
        private final boolean strip;
        private String top;
        /** Symbolic links seen so far (path relative to the root, target), created at the end. */
        private final Map<String, String> symlinks = new LinkedHashMap<>();
        /** Original archive names of the symbolic links, for messages. */
        private final Map<String, String> symlinkEntries = new HashMap<>();
        /** Directories created (relative paths), so parents are made once. */
        private final Set<String> dirs = new HashSet<>();
        /** Directory modes and times, applied at the end (deepest first). */
        private final List<DirMeta> dirMeta = new ArrayList<>();
        private final Set<PosixFilePermission> umaskAllows;
        private long entries;
        private long files;
        private long hardlinks;
        private long bytes;
        private final byte[] buf = new byte[BUFFER];

        private record DirMeta(String rel, int mode, FileTime mtime) {
        }

        private final ExtractLimits limits;

        Run(Path archive, Path root, boolean strip, ExtractLimits limits) throws IOException {
            this.archive = archive;
            this.limits = limits;
            this.root = root;
            this.strip = strip;
            this.umaskAllows = probeUmask(root);
        }

        Result run(TarArchiveInputStream tar) throws IOException {
            TarArchiveEntry e;
            while ((e = next(tar)) != null) {
                org.krunpack.core.Interrupts.holdWhileInterrupting(); // no more writes into what is removed
                if (e.isGlobalPaxHeader() || e.isPaxHeader()) {
                    continue;
                }
                entries++;
                if (entries > limits.entries()) {
                    throw overLimit(e.getName(), "entries", "more than " + limits.entries() + " entries");
                }
                entry(tar, e);
            }
            if (strip && top == null) {
                throw refuse(null, "the archive is empty (expected one top-level directory)");
            }
            finishSymlinks();
            finishDirectories();
            return new Result(root, entries, files, dirs.size(), symlinks.size(), hardlinks, bytes, top);
        }

        private String lastEntry;

        private TarArchiveEntry next(TarArchiveInputStream tar) {
            try {
                TarArchiveEntry e = tar.getNextEntry();
                if (e != null) {
                    lastEntry = e.getName();
                }
                return e;
            } catch (IOException | RuntimeException ex) {
                throw corrupt(lastEntry == null ? "at its start" : "after entry '" + lastEntry + "'", ex);
            }
        }

        private int read(TarArchiveInputStream tar, String name) {
            try {
                return tar.read(buf);
            } catch (IOException | RuntimeException ex) {
                throw corrupt("in entry '" + name + "'", ex);
            }
        }

        private KrunpackException corrupt(String where, Exception ex) {
            return new KrunpackException(ExitCode.CHECK_FAILED, archive + ": cannot read the archive " + where
                    + " (corrupt or truncated?): " + describe(ex) + "; nothing was written to the target", ex);
        }

        private void entry(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
            String name = e.getName();
            if (e.isCharacterDevice() || e.isBlockDevice()) {
                throw refuse(name, "device entries are not allowed");
            }
            if (e.isFIFO()) {
                throw refuse(name, "FIFO entries are not allowed");
            }
            List<String> parts = components(name, name, "entry name");
            if (parts.size() > limits.depth()) {
                throw overLimit(name, "depth", parts.size() + " directory levels deep, more than " + limits.depth());
            }
            if (strip) {
                if (top == null) {
                    if (parts.isEmpty() || (parts.size() == 1 && !e.isDirectory())) {
                        throw refuse(name, "expected a single top-level directory holding every entry");
                    }
                    top = parts.get(0);
                } else if (parts.isEmpty() || !parts.get(0).equals(top)) {
                    throw refuse(name, "outside the top-level directory '" + top + "/' (expected a single"
                            + " top-level directory)");
                }
                parts = parts.subList(1, parts.size());
            }
            if (parts.isEmpty()) {
                if (!e.isDirectory()) {
                    throw refuse(name, "names the extraction root but is not a directory");
                }
                dirMeta.add(new DirMeta("", e.getMode(), e.getLastModifiedTime()));
                return;
            }
            String rel = String.join("/", parts);
            checkNotThroughSymlink(name, parts, parts.size() - 1);
            if (e.isSymbolicLink()) {
                addSymlink(name, rel, e.getLinkName());
            } else if (e.isLink()) {
                hardlink(name, rel, e.getLinkName());
            } else if (e.isDirectory()) {
                if (symlinks.containsKey(rel)) {
                    throw refuse(name, "a directory where the archive already has a symbolic link");
                }
                mkdirs(name, rel);
                dirMeta.add(new DirMeta(rel, e.getMode(), e.getLastModifiedTime()));
            } else if (e.isFile()) {
                file(tar, e, name, rel, parts);
            } else {
                throw refuse(name, "unsupported entry type '" + (char) e.getLinkFlag() + "'");
            }
        }

        private void file(TarArchiveInputStream tar, TarArchiveEntry e, String name, String rel, List<String> parts)
                throws IOException {
            if (symlinks.remove(rel) != null) {
                symlinkEntries.remove(rel);
            }
            if (e.getSize() > limits.entryBytes()) {
                throw overLimit(name, "entryBytes", "a file of " + e.getSize() + " bytes, more than "
                        + limits.entryBytes());
            }
            ensureParent(name, parts);
            Path p = root.resolve(rel);
            Set<PosixFilePermission> perms = permissions(e.getMode());
            OutputStream out;
            try {
                out = Channels.newOutputStream(Files.newByteChannel(p, EnumSet.of(StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE_NEW), asAttribute(perms)));
            } catch (FileAlreadyExistsException ex) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw refuse(name, "a file where the archive already has a directory");
                }
                Files.delete(p); // a repeated entry: the later one wins, as with tar
                out = Channels.newOutputStream(Files.newByteChannel(p, EnumSet.of(StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE_NEW), asAttribute(perms)));
            }
            try (OutputStream o = out) {
                int n;
                long size = 0;
                while ((n = read(tar, name)) > 0) {
                    size += n;
                    bytes += n;
                    if (size > limits.entryBytes()) {
                        throw overLimit(name, "entryBytes", "a file of more than " + limits.entryBytes() + " bytes");
                    }
                    if (bytes > limits.totalBytes()) {
                        throw overLimit(name, "totalBytes", "more than " + limits.totalBytes()
                                + " bytes of files in all");
                    }
                    o.write(buf, 0, n);
                }
                if (size != e.getSize()) {
                    throw corrupt("in entry '" + shorten(name) + "'", new java.io.EOFException(size + " of its "
                            + e.getSize() + " bytes"));
                }
            }
            if (!umaskAllows.containsAll(perms)) {
                Files.setPosixFilePermissions(p, perms);
            }
            Files.setLastModifiedTime(p, e.getLastModifiedTime());
            files++;
        }

        private void hardlink(String name, String rel, String linkName) throws IOException {
            if (linkName == null || linkName.isEmpty()) {
                throw refuse(name, "hard link without a target");
            }
            List<String> target = components(name, linkName, "hard link target");
            if (strip) {
                if (target.isEmpty() || !target.get(0).equals(top)) {
                    throw refuse(name, "hard link target '" + linkName + "' is outside the top-level directory");
                }
                target = target.subList(1, target.size());
            }
            String targetRel = String.join("/", target);
            if (symlinks.containsKey(targetRel)) {
                // A hard link to a symbolic link is that symbolic link again, at a new place.
                addSymlink(name, rel, symlinks.get(targetRel));
                return;
            }
            checkNotThroughSymlink(name, target, target.size());
            Path existing = root.resolve(targetRel);
            if (target.isEmpty() || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse(name, "hard link target '" + linkName + "' is not a file extracted before it");
            }
            ensureParent(name, List.of(rel.split("/")));
            Path p = root.resolve(rel);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse(name, "a hard link where the archive already has a directory");
            }
            symlinks.remove(rel);
            Files.deleteIfExists(p);
            Files.createLink(p, existing);
            hardlinks++;
        }

        private void addSymlink(String name, String rel, String target) {
            if (target == null || target.isEmpty()) {
                throw refuse(name, "symbolic link without a target");
            }
            if (target.length() > limits.pathLength()) {
                throw overLimit(name, "pathLength", "a symbolic link target of " + target.length()
                        + " characters, more than " + limits.pathLength());
            }
            if (target.startsWith("/")) {
                throw refuse(name, "symbolic link to an absolute path '" + target + "' (it would point outside"
                        + " the tree)");
            }
            if (dirs.contains(rel)) {
                throw refuse(name, "a symbolic link where the archive already has a directory");
            }
            // Early check with the links known so far (for a clear message); all are checked again at the end.
            checkSymlinkInside(name, rel, target);
            symlinks.put(rel, target);
            symlinkEntries.put(rel, name);
        }

        private void finishSymlinks() throws IOException {
            for (Map.Entry<String, String> s : symlinks.entrySet()) {
                checkSymlinkInside(symlinkEntries.get(s.getKey()), s.getKey(), s.getValue());
            }
            for (Map.Entry<String, String> s : symlinks.entrySet()) {
                String rel = s.getKey();
                Path p = root.resolve(rel);
                String name = symlinkEntries.get(rel);
                ensureParent(name, List.of(rel.split("/")));
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        throw refuse(name, "a symbolic link where the archive already has a directory");
                    }
                    Files.delete(p);
                }
                Files.createSymbolicLink(p, Path.of(s.getValue()));
            }
        }

        private void finishDirectories() throws IOException {
            // Deepest first, so a read-only directory does not block setting its children.
            dirMeta.sort((a, b) -> Integer.compare(depth(b.rel()), depth(a.rel())));
            for (DirMeta d : dirMeta) {
                Path p = d.rel().isEmpty() ? root : root.resolve(d.rel());
                Set<PosixFilePermission> perms = permissions(d.mode());
                perms.add(PosixFilePermission.OWNER_READ);
                perms.add(PosixFilePermission.OWNER_WRITE);
                perms.add(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
                if (d.mtime() != null) {
                    Files.setLastModifiedTime(p, d.mtime());
                }
            }
        }

        private static int depth(String rel) {
            if (rel.isEmpty()) {
                return 0;
            }
            int n = 1;
            for (int i = 0; i < rel.length(); i++) {
                if (rel.charAt(i) == '/') {
                    n++;
                }
            }
            return n;
        }

        /**
         * Resolves {@code target} from the link's directory, following the links known so far, and
         * refuses when it leaves the root at any point.
         */
        private void checkSymlinkInside(String name, String rel, String target) {
            List<String> current = new ArrayList<>(List.of(rel.split("/")));
            current.remove(current.size() - 1);
            java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>(List.of(target.split("/")));
            int hops = 0;
            while (!pending.isEmpty()) {
                String c = pending.pollFirst();
                if (c.isEmpty() || c.equals(".")) {
                    continue;
                }
                if (c.equals("..")) {
                    if (current.isEmpty()) {
                        throw refuse(name, "symbolic link to '" + target + "' resolves outside the tree");
                    }
                    current.remove(current.size() - 1);
                    continue;
                }
                current.add(c);
                String via = symlinks.get(String.join("/", current));
                if (via != null) {
                    if (++hops > MAX_LINK_HOPS) {
                        throw refuse(name, "symbolic link to '" + target + "': too many levels of links");
                    }
                    if (via.startsWith("/")) {
                        throw refuse(name, "symbolic link to '" + target + "' resolves outside the tree");
                    }
                    current.remove(current.size() - 1);
                    String[] more = via.split("/");
                    for (int i = more.length - 1; i >= 0; i--) {
                        pending.addFirst(more[i]);
                    }
                }
            }
        }

        /** Refuses an entry whose first {@code count} components pass through a symbolic link. */
        private void checkNotThroughSymlink(String name, List<String> parts, int count) {
            if (symlinks.isEmpty()) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    sb.append('/');
                }
                sb.append(parts.get(i));
                if (symlinks.containsKey(sb.toString())) {
                    throw refuse(name, "written through the symbolic link '" + sb + "' (links are not followed)");
                }
            }
        }

        private void ensureParent(String name, List<String> parts) throws IOException {
            if (parts.size() > 1) {
                mkdirs(name, String.join("/", parts.subList(0, parts.size() - 1)));
            }
        }

        private void mkdirs(String name, String rel) throws IOException {
            if (dirs.contains(rel)) {
                return;
            }
            int slash = rel.lastIndexOf('/');
            if (slash > 0) {
                mkdirs(name, rel.substring(0, slash));
            }
            Path p = root.resolve(rel);
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException ex) {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw refuse(name, "needs directory '" + rel + "' but the archive has a file there");
                }
            }
            dirs.add(rel);
        }

        /** Splits an archive name; refuses absolute names and {@code ..}; drops "." and empty parts. */
        private List<String> components(String entry, String s, String what) {
            if (s.length() > limits.pathLength()) {
                throw overLimit(entry, "pathLength", what + " of " + s.length() + " characters, more than "
                        + limits.pathLength());
            }
            if (s.startsWith("/")) {
                throw refuse(entry, what + " '" + s + "' is an absolute path");
            }
            List<String> out = new ArrayList<>();
            for (String c : s.split("/")) {
                if (c.isEmpty() || c.equals(".")) {
                    continue;
                }
                if (c.equals("..")) {
                    throw refuse(entry, what + " '" + s + "' has a '..' component");
                }
                if (c.indexOf('\0') >= 0) {
                    throw refuse(entry, what + " contains a NUL byte");
                }
                out.add(c);
            }
            return out;
        }

        /** A bound exceeded: exit 2, naming the limit, the entry and the option that raises it. */
        private KrunpackException overLimit(String entry, String limit, String what) {
            return KrunpackException.usage(archive + ": entry '" + shorten(entry) + "': " + what + " (the limit "
                    + ExtractLimits.option(limit) + "); refusing to extract (nothing was written to the target)."
                    + " If the archive is genuine, raise " + ExtractLimits.option(limit) + " in the project file");
        }

        private KrunpackException refuse(String entry, String why) {
            return new KrunpackException(ExitCode.CHECK_FAILED, archive
                    + (entry == null ? "" : ": entry '" + shorten(entry) + "'") + ": " + why
                    + "; refusing to extract (nothing was written to the target)");
        }
    }

    /** An entry name for a message: at most 120 characters, control characters escaped. */
    static String shorten(String name) {
        String n = name.length() > 120 ? name.substring(0, 60) + "..." + name.substring(name.length() - 57) : name;
        StringBuilder sb = new StringBuilder();
        for (char c : n.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    private static FileAttribute<Set<PosixFilePermission>> asAttribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }

    /** The rwx bits of a tar mode. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    /** The permissions the process umask lets through on creation. */
    private static Set<PosixFilePermission> probeUmask(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".umask", ".probe",
                asAttribute(EnumSet.allOf(PosixFilePermission.class)));
        try {
            return Files.getPosixFilePermissions(probe, LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.delete(probe);
        }
    }
}
