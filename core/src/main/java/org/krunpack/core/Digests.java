package org.krunpack.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-512 (and SHA-256) digests of files and bytes, as lower-case hex. */
public final class Digests {
    private Digests() {
    }

    public static String sha512(Path file) {
        return digest("SHA-512", file);
    }

    public static String sha256(Path file) {
        return digest("SHA-256", file);
    }

    public static String sha512(byte[] data) {
        return HexFormat.of().formatHex(md("SHA-512").digest(data));
    }

    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(md("SHA-256").digest(data));
    }

    static String digest(String algorithm, Path file) {
        MessageDigest md = md(algorithm);
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw KrunpackException.usage("cannot read " + file + ": " + e.getMessage());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest md(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from this JDK", e);
        }
    }
}
