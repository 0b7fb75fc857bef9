package org.krunpack.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * SHA-512 digests of files, cached by device, inode, size, modification and change time: a file
 * whose identity and times are unchanged is not read again (hashing a 150 MB kernel tarball takes
 * about a second; a no-op build must not). The cache lives in the workspace's state directory.
 *
 * <p>The cache only decides whether a step can be skipped. Where bytes are consumed (a tarball
 * extracted, a patch applied) they are digested as they are read.
 */
public final class FileDigests {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What identifies one version of a file, and its digest. */
    public record Entry(long dev, long ino, long size, long mtimeNs, long ctimeNs, String sha512) {
    }

    private final Path store;
    private final Map<String, Entry> entries;
    private boolean dirty;

    private FileDigests(Path store, Map<String, Entry> entries) {
        this.store = store;
        this.entries = entries;
    }

    /** Loads the cache (an unreadable cache is an empty one). */
    public static FileDigests load(Path store) {
        Map<String, Entry> m = new TreeMap<>();
        if (store != null && Files.isRegularFile(store)) {
            try {
                m.putAll(JSON.readValue(store.toFile(), new TypeReference<Map<String, Entry>>() { }));
            } catch (IOException | RuntimeException e) {
                m.clear();
            }
        }
        return new FileDigests(store, m);
    }

    /** A cache that is never stored (tests, one-off commands). */
    public static FileDigests inMemory() {
        return new FileDigests(null, new TreeMap<>());
    }

    /** The file's SHA-512, from the cache when its identity and times are unchanged. */
    public synchronized String sha512(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Entry now = stat(abs, null);
        String key = abs.toString();
        Entry known = entries.get(key);
        if (known != null && now != null && sameFile(known, now)) {
            return known.sha512();
        }
        String digest = Digests.sha512(abs);
        Entry after = stat(abs, digest);
        if (after != null && now != null && sameFile(now, after)) {
            entries.put(key, after);
            dirty = true;
        }
        return digest;
    }

    /** True when the file is there and the cache says it has this digest without reading it. */
    public synchronized boolean knownUnchanged(Path file, String sha512) {
        Path abs = file.toAbsolutePath().normalize();
        Entry known = entries.get(abs.toString());
        Entry now = stat(abs, null);
        return known != null && now != null && sameFile(known, now) && Objects.equals(known.sha512(), sha512);
    }

    private static boolean sameFile(Entry a, Entry b) {
        return a.dev() == b.dev() && a.ino() == b.ino() && a.size() == b.size() && a.mtimeNs() == b.mtimeNs()
                && a.ctimeNs() == b.ctimeNs();
    }

    private static Entry stat(Path p, String digest) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime");
            return new Entry(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
                    ((Number) a.get("size")).longValue(), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                    ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), digest);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Writes the cache when it changed (entries of files that are gone are dropped). */
    public synchronized void save() {
        if (store == null || !dirty) {
            return;
        }
        entries.keySet().removeIf(k -> !Files.exists(Path.of(k)));
        try {
            AtomicFiles.writeBytes(store, JSON.writeValueAsBytes(entries));
            dirty = false;
        } catch (IOException | KrunpackException e) {
            // a cache we cannot write only costs time on the next run
        }
    }
}
