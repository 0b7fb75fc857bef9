package org.krunpack.project;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where one source comes from: exactly one of a local path, an https URL or Maven coordinates,
 * plus the SHA-512 it must have.
 *
 * @param where  the field's path in the project file, for messages ("sources.kernel[1]")
 * @param name   the file name to use in the sources file and the SRPM (derived when not given)
 * @param path   a local file or directory (resolved against the project file's directory)
 * @param url    an https URL
 * @param maven  Maven coordinates {@code group:artifact[:extension[:classifier]]:version}
 * @param sha512 the expected SHA-512, lower-case hex (null only for a local directory)
 */
public record SourceSpec(String where, String name, Path path, URI url, String maven, String sha512) {
    /**
     * True for a name usable as one file name in a directory, a sources file and an SRPM: not empty,
     * no '/', no control characters (a newline would forge a line), not "." or "..".
     */
    public static boolean validFileName(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.length() <= 255
                && name.chars().noneMatch(c -> c == '/' || c < 0x20 || c == 0x7f);
    }

    /** A short description of the origin, for reports. */
    public String origin() {
        if (path != null) {
            return path.toString();
        }
        if (url != null) {
            return url.toString();
        }
        return "maven:" + maven;
    }

    /** The file name: the given name, else the last segment of the path, URL or Maven artifact. */
    public String fileName() {
        if (name != null) {
            return name;
        }
        if (path != null) {
            return path.getFileName().toString();
        }
        if (url != null) {
            String p = url.getPath();
            return p.substring(p.lastIndexOf('/') + 1);
        }
        String[] parts = maven.split(":");
        String ext = parts.length >= 4 ? parts[2] : "jar";
        String classifier = parts.length == 5 ? "-" + parts[3] : "";
        return parts[1] + "-" + parts[parts.length - 1] + classifier + "." + ext;
    }
}
