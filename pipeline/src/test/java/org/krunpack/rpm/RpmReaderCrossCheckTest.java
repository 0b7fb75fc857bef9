package org.krunpack.rpm;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.krunpack.core.Tools;
import org.krunpack.review.FixturesAccess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The pure-Java reader agrees with {@code rpm -qp --qf} on every RPM these tests build (gzip, xz and
 * zstd payloads), and a truncated or corrupted RPM gives an {@link RpmFormatException}.
 */
@Tag("tools")
class RpmReaderCrossCheckTest {
    private static String q(Path rpm, String fmt) {
        return Tools.check(List.of("rpm", "-qp", "--nosignature", "--qf", fmt, rpm.toString()), null, Map.of()).stdout();
    }

    private static String none(String s) {
        return s.isEmpty() ? "(none)" : s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"w9.gzdio", "w2.xzdio", "w3.zstdio"})
    void agreesWithRpm(String payload, @TempDir Path dir) throws IOException {
        List<Path> rpms = FixturesAccess.buildGood(dir, Map.of("_binary_payload", payload, "_source_payload", payload),
                s -> s.replace("%files\n", "%post -p /sbin/ldconfig\n\n%postun\necho bye\n\n%files\n"));
        assertThat(rpms).hasSizeGreaterThanOrEqualTo(3);
        for (Path rpm : rpms) {
            RpmPackage p = RpmPackage.read(rpm);
            assertThat(p.name() + "\n" + p.version() + "\n" + p.release() + "\n" + p.license() + "\n" + p.summary()
                    + "\n" + p.payloadCompressor() + "\n" + p.sourceRpm().orElse("(none)") + "\n")
                    .as(rpm.toString())
                    .isEqualTo(q(rpm, "%{NAME}\\n%{VERSION}\\n%{RELEASE}\\n%{LICENSE}\\n%{SUMMARY}\\n"
                            + "%{PAYLOADCOMPRESSOR}\\n%{SOURCERPM}\\n"));
            assertThat(p.source()).isEqualTo(rpm.toString().endsWith(".src.rpm"));
            if (!p.source()) {
                assertThat(p.arch()).isEqualTo(q(rpm, "%{ARCH}"));
            }
            StringBuilder files = new StringBuilder();
            for (RpmFileEntry f : p.files()) {
                files.append(f.path()).append('\t').append(f.mode()).append('\t').append(f.size()).append('\t')
                        .append(f.flags()).append('\t').append(f.linkTo()).append('\n');
            }
            assertThat(files.toString()).as("file list of " + rpm)
                    .isEqualTo(q(rpm, "[%{FILENAMES}\\t%{FILEMODES}\\t%{FILESIZES}\\t%{FILEFLAGS}\\t%{FILELINKTOS}\\n]"));
            StringBuilder deps = new StringBuilder();
            for (RpmDependency d : p.provides()) {
                deps.append("P ").append(d.name()).append('\t').append(d.flags()).append('\t').append(d.version()).append('\n');
            }
            for (RpmDependency d : p.requires()) {
                deps.append("R ").append(d.name()).append('\t').append(d.flags()).append('\t').append(d.version()).append('\n');
            }
            assertThat(deps.toString()).as("deps of " + rpm).isEqualTo(
                    q(rpm, "[P %{PROVIDENAME}\\t%{PROVIDEFLAGS}\\t%{PROVIDEVERSION}\\n]")
                            + q(rpm, "[R %{REQUIRENAME}\\t%{REQUIREFLAGS}\\t%{REQUIREVERSION}\\n]"));
            Map<String, RpmPackage.Scriptlet> sc = p.scriptlets();
            assertThat(none(sc.containsKey("post") ? sc.get("post").program() : "")).isEqualTo(q(rpm, "%{POSTINPROG}"));
            assertThat(none(sc.containsKey("postun") ? sc.get("postun").body() : "")).isEqualTo(q(rpm, "%{POSTUN}"));

            // the payload holds every regular file of the list, with the listed size
            Map<String, Long> inPayload = new LinkedHashMap<>();
            RpmPayload.forEach(p, (path, mode, size, in) -> {
                byte[] b = in.readAllBytes();
                if ((mode & 0170000) == 0100000) {
                    inPayload.put(path, (long) b.length);
                }
            });
            Map<String, Long> listed = new LinkedHashMap<>();
            p.files().stream().filter(RpmFileEntry::isRegular).filter(f -> !f.isGhost())
                    .forEach(f -> listed.put(f.path(), f.size()));
            assertThat(inPayload).as("payload of " + rpm).isEqualTo(listed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"w9.gzdio", "w2.xzdio", "w3.zstdio"})
    void truncatedOrCorruptedGivesAClearError(String payload, @TempDir Path dir) throws IOException {
        List<Path> rpms = FixturesAccess.buildGood(dir, Map.of("_binary_payload", payload), s -> s);
        Path rpm = rpms.stream().filter(r -> r.getFileName().toString().startsWith("libkrunfw-5")).findFirst().orElseThrow();
        byte[] all = Files.readAllBytes(rpm);
        long payloadOffset = RpmPackage.read(rpm).payloadOffset();
        List<Integer> cuts = new ArrayList<>(List.of(0, 3, 50, 96, 100, 120, 500, (int) payloadOffset - 1,
                (int) payloadOffset + 10, (int) payloadOffset + (all.length - (int) payloadOffset) / 2, all.length - 8));
        for (int cut : cuts) {
            Path t = dir.resolve("cut-" + cut + ".rpm");
            byte[] b = new byte[cut];
            System.arraycopy(all, 0, b, 0, cut);
            Files.write(t, b);
            Throwable e = catchThrowable(() -> {
                RpmPackage p = RpmPackage.read(t);
                p.files();
                RpmPayload.forEach(p, (path, mode, size, in) -> in.readAllBytes());
            });
            assertThat(e).as("cut at " + cut + " of " + all.length).isInstanceOf(RpmFormatException.class)
                    .hasMessageContaining(t.toString());
        }
        // corrupt the payload's middle: a decompression or cpio error, reported as ours
        byte[] bad = all.clone();
        for (int i = (int) payloadOffset + 20; i < Math.min(bad.length, (int) payloadOffset + 400); i++) {
            bad[i] ^= 0x5a;
        }
        Path c = dir.resolve("corrupt.rpm");
        Files.write(c, bad);
        assertThatThrownBy(() -> RpmPayload.forEach(RpmPackage.read(c), (path, mode, size, in) -> in.readAllBytes()))
                .isInstanceOf(RpmFormatException.class).hasMessageContaining("corrupt.rpm");
        Path notRpm = dir.resolve("text.rpm");
        Files.writeString(notRpm, "hello, this is not an RPM at all, but it is long enough to have a lead of 96 bytes"
                + " ........................................");
        assertThatThrownBy(() -> RpmPackage.read(notRpm)).isInstanceOf(RpmFormatException.class)
                .hasMessageContaining("not an RPM");
    }
}
