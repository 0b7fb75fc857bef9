package org.krunpack.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads input files the user names (project file, series, fragments, manifests, models) as what
 * they claim to be: a regular file (a directory, FIFO or device is refused with a message saying
 * what the path is), never more than a stated size.
 */
public final class Inputs {
    /** The default cap for a text input: far above any real series, fragment, manifest or model. */
    public static final long TEXT_LIMIT = 4L << 20;

    private Inputs() {
    }

    /** What kind of thing a path is, for messages: "a directory", "a FIFO", "a device", "missing". */
    public static String kind(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isRegularFile()) {
                return "a regular file";
            }
            if (a.isDirectory()) {
                return "a directory";
            }
            Object mode = Files.getAttribute(p, "unix:mode");
            int type = mode instanceof Integer m ? m & 0170000 : 0;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "a dangling symbolic link" : "missing";
        }
    }

    /**
     * Checks that {@code p} is a regular file (symbolic links followed); otherwise a usage error
     * naming {@code what} (e.g. "patches.series") and what the path is.
     */
    public static Path requireRegularFile(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            String k = kind(p);
            throw KrunpackException.usage(what + ": " + p + (k.equals("missing") ? " does not exist"
                    : " is " + k + ", not a regular file") + "; name a file");
        }
        return p;
    }

    /** The problem with {@code p} as a regular-file input, or null when it is one. */
    public static String regularFileProblem(Path p) {
        if (Files.isRegularFile(p)) {
            return null;
        }
        String k = kind(p);
        return p + (k.equals("missing") ? " does not exist" : " is " + k + ", not a regular file");
    }

    /** Reads at most {@code limit} bytes of a regular file; more is a usage error naming the limit. */
    public static byte[] readBytes(Path p, long limit, String what) {
        requireRegularFile(p, what);
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                throw KrunpackException.usage(what + ": " + p + " is larger than " + human(limit)
                        + ", the limit for this input; is it the right file?");
            }
            return b;
        } catch (IOException e) {
            throw KrunpackException.usage(what + ": cannot read " + p + ": " + e.getMessage());
        }
    }

    /** Reads a UTF-8 text input (see {@link #readBytes}); bytes that are not UTF-8 become U+FFFD. */
    public static String readText(Path p, long limit, String what) {
        return decodeLenient(readBytes(p, limit, what));
    }

    /** Reads a UTF-8 text input strictly: bytes that are not UTF-8 are a usage error. */
    public static String readUtf8(Path p, long limit, String what) {
        byte[] b = readBytes(p, limit, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw KrunpackException.usage(what + ": " + p + " is not UTF-8 text");
        }
    }

    /** UTF-8 with malformed bytes replaced. */
    public static String decodeLenient(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    /** 4194304 → "4 MiB". */
    public static String human(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
