package org.krunpack.sources;

import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.project.SourceSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fetches and verifies a project's sources: local paths, https URLs (cached by digest) and Maven
 * coordinates (resolved with Maven Resolver from the local repository and the project's
 * {@code sources.repositories}). Every file's SHA-512 is checked before it is used; a mismatch
 * stops everything, naming the expected and the actual digest.
 */
public final class SourceResolver {
    private final Path localRepository;
    private final HttpClient http;
    private java.util.function.Function<Path, String> digester = Digests::sha512;

    /**
     * @param localRepository the Maven local repository ({@code ~/.m2/repository} by default)
     * @param http            the client for URL sources
     */
    public SourceResolver(Path localRepository, HttpClient http) {
        this.localRepository = localRepository;
        this.http = http;
    }

    /** The defaults: {@code -Dmaven.repo.local} or {@code ~/.m2/repository}, a client following redirects. */
    public static SourceResolver defaults() {
        String repo = System.getProperty("maven.repo.local");
        Path local = repo != null && !repo.isBlank() ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return new SourceResolver(local, HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build());
    }

    /** Not available here (missing file, unreachable URL, unresolvable artifact): try the next candidate. */
    static final class Unavailable extends Exception {
        final boolean network;

        Unavailable(String message, boolean network) {
            super(message);
            this.network = network;
        }
    }

    /**
     * Fetches the first available kernel candidate and the release (if any), and writes
     * {@code outDir/sources} (release first, as Source0, then the kernel, as Source1).
     */
    public SourcesResult fetch(Project project, Path outDir) {
        return fetch(project, outDir.resolve("sources"), Digests::sha512);
    }

    /**
     * As {@link #fetch(Project, Path)}, writing the sources file {@code sourcesFile}, with local
     * files digested by {@code digester} (a cache by file identity: the bytes are digested again
     * where they are extracted).
     */
    public SourcesResult fetch(Project project, Path sourcesFile, java.util.function.Function<Path, String> digester) {
        this.digester = digester;
        List<String> skipped = new ArrayList<>();
        FetchedSource kernel = null;
        boolean network = false;
        for (SourceSpec spec : project.kernelSources()) {
            try {
                kernel = fetchOne(spec, "kernel", project);
                break;
            } catch (Unavailable u) {
                skipped.add(spec.where() + " (" + spec.origin() + "): " + u.getMessage());
                network |= u.network;
            }
        }
        if (kernel == null) {
            throw new KrunpackException(network ? ExitCode.EXTERNAL : ExitCode.USAGE,
                    project.file() + ": sources.kernel: no candidate is available:\n  - "
                            + String.join("\n  - ", skipped)
                            + "\n(install the tarball at one of the paths, or connect to the network)",
                    skipped, null);
        }
        FetchedSource release = null;
        List<String> releaseSkipped = new ArrayList<>();
        boolean releaseNetwork = false;
        for (SourceSpec spec : project.releases()) {
            try {
                release = fetchOne(spec, "release", project);
                break;
            } catch (Unavailable u) {
                releaseSkipped.add(spec.where() + " (" + spec.origin() + "): " + u.getMessage());
                releaseNetwork |= u.network;
            }
        }
        if (!project.releases().isEmpty() && release == null) {
            throw new KrunpackException(releaseNetwork ? ExitCode.EXTERNAL : ExitCode.USAGE,
                    project.file() + ": sources.release: no candidate is available:\n  - "
                            + String.join("\n  - ", releaseSkipped)
                            + "\n(put the release tarball at one of the paths, or connect to the network)",
                    releaseSkipped, null);
        }
        skipped.addAll(releaseSkipped);
        List<FetchedSource> inSourceOrder = new ArrayList<>();
        if (release != null && !release.isDirectory()) {
            inSourceOrder.add(release);
        }
        inSourceOrder.add(kernel);
        AtomicFiles.writeString(sourcesFile, sourcesFile(inSourceOrder));
        return new SourcesResult(kernel, release, List.copyOf(skipped), sourcesFile);
    }

    /** Fedora's {@code sources} file: {@code SHA512 (name) = hex}, one line per source, in Source order. */
    public static String sourcesFile(List<FetchedSource> inSourceOrder) {
        StringBuilder sb = new StringBuilder();
        for (FetchedSource s : inSourceOrder) {
            sb.append("SHA512 (").append(s.fileName()).append(") = ").append(s.sha512()).append('\n');
        }
        return sb.toString();
    }

    /** Fetches and verifies one source, or says why it is not available here. */
    FetchedSource fetchOne(SourceSpec spec, String role, Project project) throws Unavailable {
        if (spec.path() != null) {
            return local(spec, role, spec.path(), spec.origin());
        }
        if (spec.url() != null) {
            if ("file".equals(spec.url().getScheme())) {
                return local(spec, role, Path.of(spec.url()), spec.origin());
            }
            return download(spec, role, project.cacheDir());
        }
        return maven(spec, role, project);
    }

    private FetchedSource local(SourceSpec spec, String role, Path path, String origin) throws Unavailable {
        if (Files.isDirectory(path)) {
            if (!"release".equals(role)) {
                throw KrunpackException.usage(spec.where() + ": " + path + " is a directory; a kernel source must"
                        + " be a tarball");
            }
            return new FetchedSource(role, spec.where(), origin, path.getFileName().toString(), path, null, false);
        }
        if (!Files.isRegularFile(path)) {
            String kind = org.krunpack.core.Inputs.kind(path);
            if (!kind.equals("missing")) {
                throw KrunpackException.usage(spec.where() + ": " + path + " is " + kind
                        + ", not a tarball; name a regular file");
            }
            throw new Unavailable("not found", false);
        }
        verify(spec, path, digester.apply(path), origin);
        return new FetchedSource(role, spec.where(), origin, spec.fileName(), path, spec.sha512(), false);
    }

    private void verify(SourceSpec spec, Path file, String actual, String origin) {
        if (spec.sha512() != null && !spec.sha512().equals(actual)) {
            throw KrunpackException.checkFailed(spec.where() + " (" + origin + "): SHA-512 mismatch for "
                    + file + "\n  expected " + spec.sha512() + "\n  actual   " + actual
                    + "\nThe file is not the one the project file pins; nothing was extracted. Fetch the right"
                    + " file, or (after verifying its signature) update " + spec.where() + ".sha512.");
        }
        if (spec.sha512() == null) {
            throw KrunpackException.usage(spec.where() + ".sha512: required for " + origin
                    + " (sha512sum FILE)");
        }
    }

    /** {@code <cache>/sha512/<hex>/<name>}. */
    static Path cachePath(Path cacheDir, String sha512, String name) {
        return cacheDir.resolve("sha512").resolve(sha512).resolve(name);
    }

    private FetchedSource download(SourceSpec spec, String role, Path cacheDir) throws Unavailable {
        URI url = spec.url();
        checkScheme(spec, url);
        if (spec.sha512() == null) {
            throw KrunpackException.usage(spec.where() + ".sha512: required for " + url + " (sha512sum FILE)");
        }
        Path cached = cachePath(cacheDir, spec.sha512(), spec.fileName());
        if (Files.isRegularFile(cached)) {
            if (spec.sha512().equals(Digests.sha512(cached))) {
                return new FetchedSource(role, spec.where(), url.toString(), spec.fileName(), cached, spec.sha512(),
                        true);
            }
            try {
                Files.delete(cached); // a damaged cache entry: fetch it again
            } catch (IOException e) {
                throw KrunpackException.external("cannot remove damaged cache entry " + cached + ": " + e.getMessage());
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(url).GET().header("User-Agent", "krunpack").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unavailable("cannot download: " + e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KrunpackException.external("interrupted while downloading " + url);
        }
        if (response.statusCode() != 200) {
            try (InputStream ignored = response.body()) {
                ignored.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the status says it all
            }
            throw new Unavailable("HTTP " + response.statusCode(), true);
        }
        MessageDigest md = Digests.md("SHA-512");
        String[] actual = new String[1];
        try {
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(cached.getParent(), "." + spec.fileName() + ".", ".part");
            try {
                try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                }
                actual[0] = HexFormat.of().formatHex(md.digest());
                verify(spec, tmp, actual[0], url.toString());
                Files.move(tmp, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new Unavailable("download failed: " + e, true);
        }
        return new FetchedSource(role, spec.where(), url.toString(), spec.fileName(), cached, spec.sha512(), false);
    }

    private static void checkScheme(SourceSpec spec, URI url) {
        String scheme = url.getScheme();
        if ("https".equals(scheme)) {
            return;
        }
        if ("http".equals(scheme) && url.getHost() != null) {
            try {
                if (InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
                    return;
                }
            } catch (IOException e) {
                // not loopback
            }
        }
        throw KrunpackException.usage(spec.where() + ".url: '" + url + "' must be an https URL");
    }

    private FetchedSource maven(SourceSpec spec, String role, Project project) throws Unavailable {
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(spec.maven());
        } catch (IllegalArgumentException e) {
            throw KrunpackException.usage(spec.where() + ".maven: '" + spec.maven() + "': " + e.getMessage());
        }
        List<RemoteRepository> remotes = project.repositories().stream()
                .map(r -> new RemoteRepository.Builder(r.id(), "default", r.url().toString()).build())
                .toList();
        RepositorySystem system = new RepositorySystemSupplier().get();
        Path file;
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository)
                .setSystemProperties(System.getProperties())
                .setOffline(remotes.isEmpty())
                .build()) {
            ArtifactResult result = system.resolveArtifact(session, new ArtifactRequest(artifact, remotes, null));
            file = result.getArtifact().getPath();
        } catch (ArtifactResolutionException e) {
            Path fallback = localLayout(artifact);
            if (Files.isRegularFile(fallback)) {
                file = fallback;
            } else {
                throw new Unavailable("not resolvable from " + localRepository
                        + (remotes.isEmpty() ? "" : " or " + remotes.stream().map(RemoteRepository::getUrl).toList())
                        + ": " + e.getMessage(), !remotes.isEmpty());
            }
        } finally {
            system.shutdown();
        }
        verify(spec, file, Digests.sha512(file), spec.origin());
        return new FetchedSource(role, spec.where(), spec.origin(), spec.fileName(), file, spec.sha512(), false);
    }

    /** The artifact's place in the local repository's default layout (for files put there by hand). */
    private Path localLayout(DefaultArtifact a) {
        String name = a.getArtifactId() + "-" + a.getVersion()
                + (a.getClassifier().isEmpty() ? "" : "-" + a.getClassifier()) + "." + a.getExtension();
        return localRepository.resolve(a.getGroupId().replace('.', '/')).resolve(a.getArtifactId())
                .resolve(a.getVersion()).resolve(name);
    }
}
