package org.krunpack.review;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;
import org.krunpack.rpm.RpmHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packages made to hurt the reviewer: a libkrunfw whose ELF constructor writes files (it runs only
 * in the sandbox, and the finding says what it did), and 20 SRPMs whose digests do not match
 * ({@code rpm -K} rejects each; review fails each with "package is corrupt", naming the digest).
 */
@Tag("tools")
class ReviewHostileTest {
    @TempDir
    static Path root;
    static Fixtures.Built good;

    @BeforeAll
    static void build() throws IOException {
        good = Fixtures.buildLibkrunfw(root.resolve("good"), s -> s);
    }

    @Test
    void aConstructorInThePackagedLibraryRunsOnlyInTheSandbox() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path tmpCanary = Path.of("/tmp/krunpack-hostile-" + tag);
        Path outside = root.resolve("outside-" + tag);
        String ctor = "#include <stdio.h>\n"
                + "__attribute__((constructor)) static void hostile(void)\n{\n"
                + "    const char *paths[] = {\"" + tmpCanary + "\", \"" + outside + "\", \"hostile-canary\"};\n"
                + "    for (int i = 0; i < 3; i++) {\n"
                + "        FILE *f = fopen(paths[i], \"w\");\n"
                + "        if (f) fclose(f);\n"
                + "    }\n"
                + "}\n";
        Fixtures.Built b = Fixtures.buildLibkrunfw(root.resolve("hostile"), s -> s, l -> l + ctor, Map.of());
        ReviewReport r = Review.run(List.of(b.rpm("libkrunfw")),
                Review.Options.defaults(BundleContractCheck.verifyLib(Sandbox.forInputs(false))));
        assertThat(tmpCanary).doesNotExist();
        assertThat(outside).doesNotExist();
        assertThat(Path.of("hostile-canary").toAbsolutePath()).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/maps"))).doesNotContain("libkrunfw");
        Finding contract = r.findings().stream().filter(f -> f.check() == Rule.BUNDLE_CONTRACT).findFirst().orElseThrow();
        assertThat(contract.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(contract.evidence()).singleElement().asString().contains("side-effects",
                "wrote 1 file(s) in the sandbox's scratch directory: hostile-canary");
        assertThat(r.exemptionVerdict()).get().asString().contains("does NOT hold", "krun.bundle-contract");
    }

    /** Where the parts of an RPM file start. */
    private record Layout(int sigStart, int headerStart, int headerData, int payload) {
        static Layout of(byte[] b) {
            int sig = 96;
            ByteBuffer bb = ByteBuffer.wrap(b);
            int sigLen = 16 + bb.getInt(sig + 8) * 16 + bb.getInt(sig + 12);
            int hdr = sig + sigLen + (8 - sigLen % 8) % 8;
            int hdrIndex = bb.getInt(hdr + 8);
            int data = hdr + 16 + hdrIndex * 16;
            return new Layout(sig, hdr, data, data + bb.getInt(hdr + 12));
        }
    }

    /** 20 SRPMs each with one corruption: header strings, the compressed payload, the recorded digest. */
    static List<byte[]> corrupted(byte[] srpm) throws IOException {
        Layout l = Layout.of(srpm);
        List<byte[]> out = new ArrayList<>();
        // 8 letters of the main header's data store change case: the header still parses.
        List<Integer> letters = new ArrayList<>();
        for (int i = l.headerData(); i < l.payload(); i++) {
            if (Character.isLetter(srpm[i]) && srpm[i] < 128) {
                letters.add(i);
            }
        }
        for (int k = 0; k < 8; k++) {
            byte[] b = srpm.clone();
            int at = letters.get(letters.size() * k / 8 + 3);
            b[at] ^= 0x20;
            out.add(b);
        }
        // 8 bytes of the compressed payload.
        int payloadLen = srpm.length - l.payload();
        for (int k = 0; k < 8; k++) {
            byte[] b = srpm.clone();
            b[l.payload() + 16 + (payloadLen - 32) * k / 8] ^= 0x5a;
            out.add(b);
        }
        // 4 recorded digests in the signature header: one hex digit changed.
        RpmHeader sig = RpmHeader.parse(ByteBuffer.wrap(srpm, l.sigStart(), l.headerStart() - l.sigStart()).slice(),
                "sig");
        String sha256 = sig.string(273).orElseThrow();
        String sha1 = sig.string(269).orElseThrow();
        for (String digest : List.of(sha256, sha256, sha1, sha1)) {
            byte[] b = srpm.clone();
            int at = indexOf(b, digest.getBytes(), l.sigStart()) + (out.size() % 2 == 0 ? 5 : 30);
            b[at] = (byte) (b[at] == '0' ? '1' : '0');
            out.add(b);
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void twentyCorruptSrpmsAreEachAMustFailureNamingTheDigest() throws IOException {
        byte[] srpm = Files.readAllBytes(good.srpm());
        Review.Options noTools = new Review.Options(new Rpmlint(Optional.empty()), null, false);
        ReviewReport ok = Review.run(List.of(good.srpm()), noTools);
        assertThat(ok.findings()).filteredOn(f -> f.check() == Rule.PACKAGE_INTEGRITY).singleElement()
                .satisfies(f -> assertThat(f.verdict()).isEqualTo(Verdict.PASS));
        List<byte[]> bad = corrupted(srpm);
        assertThat(bad).hasSize(20);
        Path dir = Files.createDirectories(root.resolve("corrupt"));
        for (int i = 0; i < bad.size(); i++) {
            Path f = Files.write(dir.resolve("libkrunfw-5.5.0-1." + i + ".src.rpm"), bad.get(i));
            Tools.Result k = Tools.run(List.of("rpm", "-Kv", "--nosignature", f.toString()), null, Map.of());
            assertThat(k.ok()).as("rpm -K rejects corruption %d: %s", i, k.stdout()).isFalse();
            ReviewReport r = Review.run(List.of(f), noTools);
            assertThat(r.ok()).as("corruption %d", i).isFalse();
            Finding integrity = r.mustFailures().stream().filter(m -> m.check() == Rule.PACKAGE_INTEGRITY)
                    .findFirst().orElseThrow(() -> new AssertionError("no integrity failure:\n" + r.render()));
            assertThat(integrity.text()).as("corruption %d", i).startsWith("package is corrupt: ")
                    .containsPattern("(Header SHA256|Header SHA1|Payload SHA256|MD5)[^,]* digest");
            assertThat(r.mustFailures()).as("nothing else is judged on a corrupt package").hasSize(1);
            // rpm -K names the same digest as bad.
            String first = integrity.text().replaceFirst("package is corrupt: ", "").replaceFirst(" digest.*", "");
            assertThat(k.stdout()).as("corruption %d", i).containsIgnoringCase(first.replace(" ALT", ""));
        }
    }
}
