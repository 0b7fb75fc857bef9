package org.krunpack.sources;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;
import org.krunpack.testing.Golden;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceResolverTest {
    static final byte[] KERNEL = "pretend this is linux-6.1.7.tar.xz\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] RELEASE = "pretend this is libkrunfw v4.2.1.tar.gz\n".getBytes(StandardCharsets.UTF_8);
    static final String KERNEL_SHA = Digests.sha512(KERNEL);
    static final String RELEASE_SHA = Digests.sha512(RELEASE);
    static final String WRONG_SHA = "0".repeat(128);

    @TempDir
    Path tmp;
    HttpServer server;
    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    String base;
    SourceResolver resolver;

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        resolver = new SourceResolver(tmp.resolve("m2"), HttpClient.newHttpClient());
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private Project project(String sources) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(dir.resolve("full.config"), "CONFIG_X=y\n");
        Files.writeString(dir.resolve("krunpack.yaml"), String.join("\n",
                "libkrunfw: {version: \"4.2.1\", abi: 4}",
                "kernel: {version: \"6.1.7\"}",
                "sourceDateEpoch: 1735689600",
                "cacheDir: " + tmp.resolve("cache"),
                "config: {full: full.config}",
                "sources:",
                sources.stripTrailing(),
                ""));
        return ProjectLoader.load(dir.resolve("krunpack.yaml"));
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    @Test
    void aLocalPathIsVerifiedAndRecordedInTheSourcesFile() throws IOException {
        Path tarball = file("linux-source.tar.xz", KERNEL);
        Project p = project("""
                  kernel:
                    - path: %s
                      name: linux-6.1.7.tar.xz
                      sha512: %s
                """.formatted(tarball, KERNEL_SHA));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        assertThat(r.kernel().file()).isEqualTo(tarball);
        assertThat(r.kernel().where()).isEqualTo("sources.kernel[0]");
        assertThat(r.kernel().origin()).isEqualTo(tarball.toString());
        assertThat(r.kernel().fileName()).isEqualTo("linux-6.1.7.tar.xz");
        assertThat(r.kernel().sha512()).isEqualTo(KERNEL_SHA);
        assertThat(r.sourcesFile()).isEqualTo(tmp.resolve("out/sources"));
        assertThat(r.sourcesFile()).hasContent("SHA512 (linux-6.1.7.tar.xz) = " + KERNEL_SHA);
        assertThat(r.artifacts()).extracting(a -> a.role())
                .containsExactly("kernel-tarball", "sources-file");
    }

    @Test
    void theSourcesFileListsTheReleaseFirstThenTheKernelAsFedoraDoes() throws IOException {
        served.put("/linux-6.1.7.tar.xz", KERNEL);
        Path release = file("v4.2.1.tar.gz", RELEASE);
        Project p = project("""
                  kernel:
                    url: %s/linux-6.1.7.tar.xz
                    sha512: %s
                  release:
                    path: %s
                    name: libkrunfw-4.2.1.tar.gz
                    sha512: %s
                """.formatted(base, KERNEL_SHA, release, RELEASE_SHA));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        Golden.assertMatches("sources/sources", Files.readString(r.sourcesFile()));
        assertThat(r.release().file()).isEqualTo(release);
        assertThat(r.artifacts()).extracting(a -> a.role())
                .containsExactly("kernel-tarball", "release", "sources-file");
    }

    @Test
    void aReleaseTreeIsUsedInPlaceAndLeftOutOfTheSourcesFile() throws IOException {
        Path tarball = file("k.tar.xz", KERNEL);
        Path tree = Files.createDirectories(tmp.resolve("libkrunfw"));
        Project p = project("""
                  kernel: {path: %s, sha512: %s}
                  release: {path: %s}
                """.formatted(tarball, KERNEL_SHA, tree));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        assertThat(r.release().isDirectory()).isTrue();
        assertThat(r.release().file()).isEqualTo(tree);
        assertThat(r.sourcesFile()).hasContent("SHA512 (k.tar.xz) = " + KERNEL_SHA);
    }

    @Test
    void candidatesAreTriedInOrderAndTheFirstAvailableWins() throws IOException {
        served.put("/second/linux-6.1.7.tar.xz", KERNEL);
        served.put("/third/linux-6.1.7.tar.xz", KERNEL);
        Project p = project("""
                  kernel:
                    - path: /nonexistent/linux-source-6.1.tar.xz
                      sha512: %1$s
                    - url: %2$s/first/linux-6.1.7.tar.xz
                      sha512: %1$s
                    - url: %2$s/second/linux-6.1.7.tar.xz
                      sha512: %1$s
                    - url: %2$s/third/linux-6.1.7.tar.xz
                      sha512: %1$s
                """.formatted(KERNEL_SHA, base));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        assertThat(r.kernel().where()).isEqualTo("sources.kernel[2]");
        assertThat(r.kernel().origin()).isEqualTo(base + "/second/linux-6.1.7.tar.xz");
        assertThat(r.skipped()).containsExactly(
                "sources.kernel[0] (/nonexistent/linux-source-6.1.tar.xz): not found",
                "sources.kernel[1] (" + base + "/first/linux-6.1.7.tar.xz): HTTP 404");
        assertThat(requests.get()).isEqualTo(2);
        assertThat(r.details()).containsKey("kernel");
    }

    @Test
    void noAvailableCandidateListsEveryReason() throws IOException {
        Project p = project("""
                  kernel:
                    - {path: /nonexistent/a.tar.xz, sha512: %1$s}
                    - {url: "%2$s/gone.tar.xz", sha512: %1$s}
                """.formatted(KERNEL_SHA, base));

        assertThatThrownBy(() -> resolver.fetch(p, tmp.resolve("out")))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.EXTERNAL);
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage()).contains("sources.kernel[0] (/nonexistent/a.tar.xz): not found",
                            "sources.kernel[1] (" + base + "/gone.tar.xz): HTTP 404");
                });
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aDigestMismatchIsRefusedNamingBothDigestsAndNothingIsWritten() throws IOException {
        Path tarball = file("linux.tar.xz", KERNEL);
        Project p = project("""
                  kernel:
                    - {path: %s, sha512: "%s"}
                    - {path: %s, sha512: "%s"}
                """.formatted(tarball, WRONG_SHA, tarball, KERNEL_SHA));

        assertThatThrownBy(() -> resolver.fetch(p, tmp.resolve("out")))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
                    assertThat(e.getMessage()).contains("sources.kernel[0]", "expected " + WRONG_SHA,
                            "actual   " + KERNEL_SHA, "nothing was extracted");
                });
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aDownloadIsCachedByDigestAndTheSecondFetchMakesNoRequest() throws IOException {
        served.put("/dl/linux-6.1.7.tar.xz", KERNEL);
        Project p = project("""
                  kernel:
                    - url: %s/dl/linux-6.1.7.tar.xz
                      sha512: %s
                """.formatted(base, KERNEL_SHA));

        SourcesResult first = resolver.fetch(p, tmp.resolve("out"));
        SourcesResult second = resolver.fetch(p, tmp.resolve("out"));

        Path cached = tmp.resolve("cache/sha512").resolve(KERNEL_SHA).resolve("linux-6.1.7.tar.xz");
        assertThat(first.kernel().file()).isEqualTo(cached);
        assertThat(first.kernel().cached()).isFalse();
        assertThat(second.kernel().file()).isEqualTo(cached);
        assertThat(second.kernel().cached()).isTrue();
        assertThat(cached).hasBinaryContent(KERNEL);
        assertThat(requests.get()).isEqualTo(1);
        try (var s = Files.list(cached.getParent())) {
            assertThat(s.toList()).containsExactly(cached);
        }
    }

    @Test
    void aDamagedCacheEntryIsFetchedAgain() throws IOException {
        served.put("/dl/linux-6.1.7.tar.xz", KERNEL);
        Path cached = tmp.resolve("cache/sha512").resolve(KERNEL_SHA).resolve("linux-6.1.7.tar.xz");
        Files.createDirectories(cached.getParent());
        Files.writeString(cached, "half a downl");
        Project p = project("""
                  kernel: {url: "%s/dl/linux-6.1.7.tar.xz", sha512: %s}
                """.formatted(base, KERNEL_SHA));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        assertThat(r.kernel().cached()).isFalse();
        assertThat(cached).hasBinaryContent(KERNEL);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aDownloadWithTheWrongDigestIsRefusedAndNotCached() throws IOException {
        served.put("/dl/linux-6.1.7.tar.xz", "something else\n".getBytes(StandardCharsets.UTF_8));
        Project p = project("""
                  kernel: {url: "%s/dl/linux-6.1.7.tar.xz", sha512: %s}
                """.formatted(base, KERNEL_SHA));

        assertThatThrownBy(() -> resolver.fetch(p, tmp.resolve("out")))
                .hasMessageContaining("expected " + KERNEL_SHA)
                .hasMessageContaining("actual   " + Digests.sha512("something else\n".getBytes(StandardCharsets.UTF_8)));
        try (var s = Files.walk(tmp.resolve("cache"))) {
            assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void mavenCoordinatesResolveFromAFileRepositoryNamedInTheProject() throws IOException {
        Path remote = tmp.resolve("remote-repo");
        Path dir = Files.createDirectories(remote.resolve("org/example/kernel/linux/6.1.7"));
        Files.write(dir.resolve("linux-6.1.7.tar.xz"), KERNEL);
        Project p = project("""
                  repositories:
                    - {id: fixture, url: "%s"}
                  kernel:
                    - maven: org.example.kernel:linux:tar.xz:6.1.7
                      sha512: %s
                """.formatted(remote.toUri(), KERNEL_SHA));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        assertThat(r.kernel().file()).startsWith(tmp.resolve("m2")).hasBinaryContent(KERNEL);
        assertThat(r.kernel().origin()).isEqualTo("maven:org.example.kernel:linux:tar.xz:6.1.7");
        assertThat(r.kernel().fileName()).isEqualTo("linux-6.1.7.tar.xz");
        assertThat(r.sourcesFile()).hasContent("SHA512 (linux-6.1.7.tar.xz) = " + KERNEL_SHA);
    }

    @Test
    void mavenCoordinatesResolveFromTheLocalRepositoryAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m2/org/example/kernel/linux/6.1.7"));
        Files.write(dir.resolve("linux-6.1.7-debian.tar.xz"), KERNEL);
        Project p = project("""
                  kernel:
                    - maven: org.example.kernel:linux:tar.xz:missing:6.1.7
                      sha512: %1$s
                    - maven: org.example.kernel:linux:tar.xz:debian:6.1.7
                      sha512: %1$s
                """.formatted(KERNEL_SHA));

        SourcesResult r = resolver.fetch(p, tmp.resolve("out"));

        assertThat(r.kernel().where()).isEqualTo("sources.kernel[1]");
        assertThat(r.kernel().file()).isEqualTo(dir.resolve("linux-6.1.7-debian.tar.xz"));
        assertThat(r.skipped()).hasSize(1).allMatch(s -> s.startsWith("sources.kernel[0] (maven:"));
    }

    @Test
    void aKernelCandidateThatIsADirectoryIsAUsageError() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("not-a-tarball"));
        Project p = project("""
                  kernel: {path: %s, sha512: %s}
                """.formatted(dir, KERNEL_SHA));

        assertThatThrownBy(() -> resolver.fetch(p, tmp.resolve("out")))
                .isInstanceOfSatisfying(KrunpackException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("is a directory");
    }

    @Test
    void sourcesFileFormat() {
        FetchedSource a = new FetchedSource("release", "w", "o", "libkrunfw-4.2.1.tar.gz", Path.of("a"), "ab", false);
        FetchedSource b = new FetchedSource("kernel", "w", "o", "linux-6.1.7.tar.xz", Path.of("b"), "cd", false);

        assertThat(SourceResolver.sourcesFile(List.of(a, b)))
                .isEqualTo("SHA512 (libkrunfw-4.2.1.tar.gz) = ab\nSHA512 (linux-6.1.7.tar.xz) = cd\n");
    }
}
