package org.krunpack.rpm;

import org.krunpack.core.Digests;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Verifies an RPM's digests as {@code rpm -K} does, in pure Java: the header's SHA-256 and SHA-1
 * (signature header), the payload's digest over the compressed bytes (PAYLOADDIGEST) and over the
 * uncompressed archive (PAYLOADDIGESTALT), the MD5 over header and payload, and the header+payload
 * size. Signatures (OpenPGP) are not checked: a local or COPR build is not signed by Fedora.
 */
public final class RpmDigests {
    /** Signature-header tags. */
    static final int SIG_SIZE = 1000;
    static final int SIG_MD5 = 1004;
    static final int SIG_SHA1 = 269;
    static final int SIG_SHA256 = 273;
    /** Main-header tags. */
    static final int PAYLOADDIGEST = 5092;
    static final int PAYLOADDIGESTALGO = 5093;
    static final int PAYLOADDIGESTALT = 5097;

    private RpmDigests() {
    }

    /** One digest: its name as rpm -K prints it, whether it matched, and the values. */
    public record Check(String name, boolean ok, String expected, String actual) {
        public String describe() {
            return name + ": " + (ok ? "OK" : "BAD (expected " + expected + ", got " + actual + ")");
        }
    }

    /** Every digest the package carries, checked. */
    public record Result(List<Check> checks) {
        public Result {
            checks = List.copyOf(checks);
        }

        public boolean ok() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
        }

        public List<Check> bad() {
            return checks.stream().filter(c -> !c.ok()).toList();
        }
    }

    /** Reads the file once for the header and MD5 digests and once more for the uncompressed payload. */
    public static Result verify(RpmPackage pkg) {
        List<Check> out = new ArrayList<>();
        long headerStart = pkg.payloadOffset() - pkg.header().length();
        RpmHeader sig = pkg.signature();
        try (FileChannel ch = FileChannel.open(pkg.file(), StandardOpenOption.READ)) {
            long size = ch.size();
            MessageDigest sha256 = Digests.md("SHA-256");
            MessageDigest sha1 = Digests.md("SHA-1");
            MessageDigest md5 = Digests.md("MD5");
            Optional<MessageDigest> payload = payloadDigest(pkg);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long pos = headerStart;
            while (pos < size) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                byte[] b = buf.array();
                int headerPart = (int) Math.max(0, Math.min(n, pkg.payloadOffset() - pos));
                sha256.update(b, 0, headerPart);
                sha1.update(b, 0, headerPart);
                md5.update(b, 0, n);
                if (payload.isPresent() && headerPart < n) {
                    payload.get().update(b, headerPart, n - headerPart);
                }
                pos += n;
            }
            sig.string(SIG_SHA256).ifPresent(e -> out.add(compare("Header SHA256 digest", e, sha256)));
            sig.string(SIG_SHA1).ifPresent(e -> out.add(compare("Header SHA1 digest", e, sha1)));
            List<String> pd = pkg.header().strings(PAYLOADDIGEST);
            if (payload.isPresent() && !pd.isEmpty()) {
                out.add(compare("Payload " + algorithmName(pkg) + " digest", pd.get(0), payload.get()));
            }
            List<String> alt = pkg.header().strings(PAYLOADDIGESTALT);
            if (!alt.isEmpty()) {
                out.add(uncompressed(pkg, alt.get(0)));
            }
            sig.bytes(SIG_MD5).ifPresent(e -> out.add(compare("MD5 digest", HexFormat.of().formatHex(e), md5)));
            long[] declared = sig.longs(SIG_SIZE);
            if (declared.length == 1) {
                long actual = size - headerStart;
                out.add(new Check("Header+payload size", declared[0] == actual, Long.toString(declared[0]),
                        Long.toString(actual)));
            }
        } catch (IOException e) {
            throw new RpmFormatException(pkg.file() + ": cannot read: " + e.getMessage(), e);
        }
        return new Result(out);
    }

    private static Optional<MessageDigest> payloadDigest(RpmPackage pkg) {
        if (pkg.header().strings(PAYLOADDIGEST).isEmpty()) {
            return Optional.empty();
        }
        return javaName(pkg).map(Digests::md);
    }

    /** The payload digest algorithm (OpenPGP hash algorithm ids; rpm's default is SHA256). */
    private static Optional<String> javaName(RpmPackage pkg) {
        long[] a = pkg.header().longs(PAYLOADDIGESTALGO);
        long id = a.length == 0 ? 8 : a[0];
        return Optional.ofNullable(switch ((int) id) {
            case 1 -> "MD5";
            case 2 -> "SHA-1";
            case 8 -> "SHA-256";
            case 9 -> "SHA-384";
            case 10 -> "SHA-512";
            case 11 -> "SHA-224";
            default -> null;
        });
    }

    private static String algorithmName(RpmPackage pkg) {
        return javaName(pkg).orElse("unknown").replace("-", "").toUpperCase(Locale.ROOT);
    }

    private static Check uncompressed(RpmPackage pkg, String expected) {
        String name = "Payload " + algorithmName(pkg) + " ALT digest (uncompressed)";
        Optional<String> algo = javaName(pkg);
        if (algo.isEmpty()) {
            return new Check(name, false, expected, "an unknown digest algorithm");
        }
        MessageDigest d = Digests.md(algo.get());
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(pkg.file()), 1 << 16)) {
            raw.skipNBytes(pkg.payloadOffset());
            try (InputStream un = RpmPayload.decompress(raw, pkg.payloadCompressor(), pkg.file() + ": payload")) {
                byte[] b = new byte[1 << 16];
                int n;
                while ((n = un.read(b)) > 0) {
                    d.update(b, 0, n);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Check(name, false, expected, "a payload that does not decompress (" + e.getClass().getSimpleName()
                    + ")");
        }
        return compare(name, expected, d);
    }

    private static Check compare(String name, String expected, MessageDigest d) {
        String actual = HexFormat.of().formatHex(d.digest());
        return new Check(name, actual.equalsIgnoreCase(expected.strip()), expected, actual);
    }
}
