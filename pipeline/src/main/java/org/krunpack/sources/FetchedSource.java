package org.krunpack.sources;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One source, fetched and verified.
 *
 * @param role     "kernel" or "release"
 * @param where    the candidate's path in the project file, e.g. {@code sources.kernel[1]}
 * @param origin   where it came from: a path, a URL or {@code maven:g:a:v}
 * @param fileName the name used in the {@code sources} file and the SRPM
 * @param file     the verified local file (or the release's directory)
 * @param sha512   its SHA-512, lower-case hex; null for a release given as a directory
 * @param cached   true when it came from the download cache without a request
 */
public record FetchedSource(String role, String where, String origin, String fileName, Path file, String sha512,
                            boolean cached) {
    /** True for a release given as a source tree (no digest, not in the sources file). */
    public boolean isDirectory() {
        return sha512 == null;
    }

    Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("where", where);
        m.put("origin", origin);
        m.put("name", fileName);
        m.put("file", file.toString());
        m.put("sha512", sha512);
        m.put("cached", cached);
        return m;
    }
}
