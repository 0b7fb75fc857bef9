package org.krunpack.packaging;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.PackagingConfig;
import org.krunpack.specgen.Profile;
import org.krunpack.testing.SourceMirror;
import org.krunpack.testing.StandInCrates;
import org.krunpack.testing.UpstreamFixtures;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code krunpack rpm-sources --fetch} on the real releases of the shared fixtures, with the network
 * stood in by {@link SourceMirror} and crates.io by {@link StandInCrates}; cargo is the real one
 * (it must read libkrun 1.18.1's Cargo.lock, version 4: cargo 1.78 or later).
 */
@Tag("tools")
class RpmSourcesTest {
    static final long SDE = 1735689600L;
    static final Path LIBKRUN = UpstreamFixtures.file("libkrun/libkrun-1.18.1.tar.gz");
    static final Path LIBKRUNFW = UpstreamFixtures.file("libkrunfw/libkrunfw-5.4.0.tar.gz");

    @TempDir
    Path dir;
    final StringWriter logText = new StringWriter();
    final PrintWriter log = new PrintWriter(logText, true);

    /** The 5.4.0 model fixture with libkrun at the fixture's 1.18.1 and, optionally, a digest for libkrunfw's Source0. */
    PackagingConfig model(String libkrunfwSha512) throws Exception {
        PackagingConfig cfg = Fixtures.copyOf540(dir.resolve("rpm"), Profile.STRICT);
        String yaml = Files.readString(cfg.model()).replace("version: \"1.19.0\"", "version: \"1.18.1\"");
        if (libkrunfwSha512 != null) {
            yaml = yaml.replaceFirst("sha512: \"\"", "sha512: \"" + libkrunfwSha512 + "\"");
        }
        Files.writeString(cfg.model(), yaml);
        return cfg;
    }

    RpmSources.Request request(List<String> pkgs, URI mirror, Map<String, String> env) {
        return new RpmSources.Request(pkgs, dir.resolve("sources"), true, mirror, SDE, env);
    }

    static List<String> entries(Path tarXz) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(Files.newInputStream(tarXz)));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                out.add(e.getName() + (e.isFile() && e.getName().endsWith(".cargo-checksum.json")
                        ? "=" + new String(tar.readAllBytes(), StandardCharsets.UTF_8) : ""));
            }
        }
        return out;
    }

    @Test
    void libkrunsReleaseIsFetchedAndItsCratesVendoredReproducibly() throws Exception {
        PackagingConfig cfg = model(null);
        Path home = StandInCrates.cargoHome(LIBKRUN, dir.resolve("crates"));
        try (SourceMirror net = new SourceMirror()) {
            net.serve("https://github.com/libkrun/libkrun/archive/v1.18.1/libkrun-1.18.1.tar.gz", LIBKRUN);
            PackagingResult r = RpmSources.run(cfg, request(List.of("libkrun"), URI.create(net.url()),
                    Map.of("CARGO_HOME", home.toString())), log);
            assertThat(r.summary()).containsExactly(
                    "libkrun-1.18.1.tar.gz: downloaded from " + net.url()
                            + "github.com/libkrun/libkrun/archive/v1.18.1/libkrun-1.18.1.tar.gz, not verified (no SHA-512"
                            + " in the model yet)",
                    "libkrun-1.18.1-vendor.tar.xz: made with cargo vendor (183 crates), not verified (no SHA-512 in"
                            + " the model yet)");
        }
        Path src = dir.resolve("sources");
        assertThat(Digests.sha512(src.resolve("libkrun-1.18.1.tar.gz"))).isEqualTo(Digests.sha512(LIBKRUN));
        Path vendor = src.resolve("libkrun-1.18.1-vendor.tar.xz");
        List<String> entries = entries(vendor);
        List<StandInCrates.LockedCrate> locked = StandInCrates.locked(LIBKRUN);
        assertThat(locked).hasSize(183);
        for (StandInCrates.LockedCrate c : locked) {
            assertThat(entries).contains("vendor/" + c.name() + "-" + c.version() + "/");
            assertThat(entries).anyMatch(e -> e.startsWith("vendor/" + c.name() + "-" + c.version()
                    + "/.cargo-checksum.json=") && e.contains("\"package\":\"" + c.checksum() + "\""));
        }
        assertThat(entries.get(0)).isEqualTo("vendor/");
        // the same release and lock give the same bytes
        String first = Digests.sha512(vendor);
        Files.delete(vendor);
        RpmSources.run(cfg, request(List.of("libkrun"), null, Map.of("CARGO_HOME", home.toString())), log);
        assertThat(Digests.sha512(vendor)).isEqualTo(first);
    }

    @Test
    void aDownloadWhoseDigestIsNotTheModelsIsNotKept() throws Exception {
        PackagingConfig cfg = model("0".repeat(128));
        Files.createDirectories(dir.resolve("sources"));
        Files.writeString(dir.resolve("sources/linux-6.12.87.tar.xz"), "present already");
        try (SourceMirror net = new SourceMirror()) {
            net.serve("https://github.com/libkrun/libkrunfw/archive/v5.4.0/libkrunfw-5.4.0.tar.gz", LIBKRUNFW);
            KrunpackException e = catchThrowableOfType(() -> RpmSources.run(cfg, request(List.of("libkrunfw"),
                    URI.create(net.url()), Map.of()), log), KrunpackException.class);
            assertThat(e.exitCode().code()).isEqualTo(1);
            assertThat(e.getMessage()).contains("libkrunfw-5.4.0.tar.gz", "SHA-512 is " + Digests.sha512(LIBKRUNFW),
                    "not the model's " + "0".repeat(128));
        }
        assertThat(dir.resolve("sources/libkrunfw-5.4.0.tar.gz")).doesNotExist();
    }

    @Test
    void theRightDigestIsVerifiedAndAMissingFileIsNamedWithItsUrl() throws Exception {
        PackagingConfig cfg = model(Digests.sha512(LIBKRUNFW));
        try (SourceMirror net = new SourceMirror()) {
            net.serve("https://github.com/libkrun/libkrunfw/archive/v5.4.0/libkrunfw-5.4.0.tar.gz", LIBKRUNFW);
            KrunpackException e = catchThrowableOfType(() -> RpmSources.run(cfg, request(List.of("libkrunfw"),
                    URI.create(net.url()), Map.of()), log), KrunpackException.class);
            assertThat(e.exitCode().code()).isEqualTo(3);
            assertThat(e.getMessage()).contains("sources[1] (linux-6.12.87.tar.xz)",
                    net.url() + "cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.87.tar.xz answered HTTP 404");
            assertThat(net.requests()).containsExactly(
                    "/github.com/libkrun/libkrunfw/archive/v5.4.0/libkrunfw-5.4.0.tar.gz",
                    "/cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.87.tar.xz");
        }
        // what came is kept (verified); running again with the kernel at hand finishes the job
        Files.writeString(dir.resolve("sources/linux-6.12.87.tar.xz"), "present already");
        PackagingResult r = RpmSources.run(cfg, new RpmSources.Request(List.of("libkrunfw"), dir.resolve("sources"),
                false, null, SDE, new LinkedHashMap<>()), log);
        assertThat(r.summary()).containsExactly("libkrunfw-5.4.0.tar.gz: present, SHA-512 verified",
                "linux-6.12.87.tar.xz: present, not verified (no SHA-512 in the model yet)");
    }

    @Test
    void withoutFetchMissingSourcesAreListedAtOnce() throws Exception {
        PackagingConfig cfg = model(null);
        KrunpackException e = catchThrowableOfType(() -> RpmSources.run(cfg, new RpmSources.Request(
                List.of("libkrun"), dir.resolve("sources"), false, null, SDE, Map.of()), log), KrunpackException.class);
        assertThat(e.exitCode().code()).isEqualTo(2);
        assertThat(e.problems()).containsExactly(
                "packages.libkrun.sources[0] (libkrun-1.18.1.tar.gz): not in " + dir.resolve("sources")
                        + ": fetch it with --fetch (https://github.com/libkrun/libkrun/archive/v1.18.1/libkrun-1.18.1.tar.gz)",
                "packages.libkrun.sources[1] (libkrun-1.18.1-vendor.tar.xz): not in " + dir.resolve("sources")
                        + ": make it with --fetch (cargo vendor of Source0)");
    }
}
