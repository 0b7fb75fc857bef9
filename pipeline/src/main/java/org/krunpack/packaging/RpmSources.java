package org.krunpack.packaging;

import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.project.PackagingConfig;
import org.krunpack.specgen.Macros;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.PackagingModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Source files of the packaging model's packages, in one folder: checked, and with
 * {@code fetch} also brought there. A Source with a URL is downloaded (from a mirror when one is
 * given: {@code MIRROR/host/path}); a crate vendor tarball ({@code NAME-VERSION-vendor.tar.*},
 * named without a URL as Fedora's specs name it) is made from Source0 with {@link CargoVendor}; a
 * Source named without a URL that lives next to the specs (a patch kept in the repository) is
 * copied. Every file is checked against the model's SHA-512 when the model has one; a download is
 * kept only when it matches. This is the step COPR's make_srpm runs (with network) before
 * {@code krunpack srpm}, and what Packit's {@code create-archive} action calls.
 */
public final class RpmSources {
    /** Environment variable naming a mirror for every Source URL ({@code --mirror}). */
    public static final String MIRROR_ENV = "KRUNPACK_SOURCE_MIRROR";
    private static final long MAX_BYTES = 4L << 30;
    private static final int ATTEMPTS = 3;

    private RpmSources() {
    }

    /**
     * @param packages the packages (empty: all in model order)
     * @param fetch    download or make what is missing (else only check)
     * @param mirror   base URL that stands for every host, or null
     * @param env      extra environment for cargo (CARGO_HOME), may be empty
     */
    public record Request(List<String> packages, Path sourceDir, boolean fetch, URI mirror, long sourceDateEpoch,
                          Map<String, String> env) {
    }

    /** How one Source is obtained. */
    public enum Kind { DOWNLOAD, VENDOR, REPOSITORY }

    /** One Source: where it comes from, and what happened to it. */
    public record Entry(String pkg, int index, String file, Kind kind, String url, String status) {
    }

    /** The package of {@code NAME.spec}, or a usage error naming the model's packages. */
    public static PackageModel packageOfSpec(PackagingConfig cfg, Path spec) {
        String file = spec.getFileName().toString();
        if (!file.endsWith(".spec")) {
            throw KrunpackException.usage("--spec " + spec + ": expected a file named NAME.spec");
        }
        String name = file.substring(0, file.length() - ".spec".length());
        PackagingModel model = Specs.readModel(cfg);
        return model.find(name).orElseThrow(() -> KrunpackException.usage("--spec " + spec + ": '" + name
                + "' is not a package of " + cfg.model() + " (known: " + model.names() + ")"));
    }

    /** The file of Source0 of {@code p} in {@code dir}. */
    public static Path source0(PackageModel p, Path dir) {
        return dir.resolve(Macros.sourceFileName(p, p.sources().get(0)));
    }

    /** How a Source of {@code p} is obtained. */
    static Kind kind(PackageModel p, PackageModel.Source s) {
        String url = Macros.expand(p, s.url());
        if (url.matches("[a-z][a-z0-9+.-]*://.*")) {
            return Kind.DOWNLOAD;
        }
        String file = Macros.sourceFileName(p, s);
        if (file.matches(Pattern.quote(p.name() + "-" + p.version()) + "-vendor\\.tar\\.(xz|gz|zst)")) {
            return Kind.VENDOR;
        }
        return Kind.REPOSITORY;
    }

    public static PackagingResult run(PackagingConfig cfg, Request r, PrintWriter log) {
        PackagingModel model = Specs.readModel(cfg);
        Problems problems = new Problems("rpm sources");
        List<PackageModel> pkgs = new ArrayList<>();
        for (String name : r.packages().isEmpty() ? model.names() : r.packages()) {
            model.find(name).ifPresentOrElse(pkgs::add,
                    () -> problems.add(name, "not in the model (known: " + model.names() + ")"));
        }
        if (r.mirror() != null && !List.of("http", "https").contains(r.mirror().getScheme())) {
            problems.add("--mirror", "'" + r.mirror() + "' is not an http(s) URL");
        }
        problems.throwIfAny();
        try {
            Files.createDirectories(r.sourceDir());
        } catch (IOException e) {
            throw KrunpackException.external("cannot create " + r.sourceDir() + ": " + e.getMessage());
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        List<Entry> entries = new ArrayList<>();
        Problems missing = new Problems("rpm sources in " + r.sourceDir());
        for (PackageModel p : pkgs) {
            // Source0 first: a vendor tarball is made from it
            List<PackageModel.Source> all = p.allSources();
            for (int i = 0; i < all.size(); i++) {
                PackageModel.Source s = all.get(i);
                String file = Macros.sourceFileName(p, s);
                Kind kind = kind(p, s);
                String url = kind == Kind.DOWNLOAD ? Macros.expand(p, s.url()) : null;
                String at = "packages." + p.name() + ".sources[" + i + "] (" + file + ")";
                Path target = r.sourceDir().resolve(file);
                String status;
                if (Files.isRegularFile(target)) {
                    status = "present";
                } else if (!r.fetch()) {
                    missing.add(at, "not in " + r.sourceDir() + (kind == Kind.VENDOR ? ": make it with --fetch"
                            + " (cargo vendor of Source0)" : kind == Kind.DOWNLOAD ? ": fetch it with --fetch (" + url
                            + ")" : ": put it there"));
                    continue;
                } else if (kind == Kind.DOWNLOAD) {
                    URI from = via(URI.create(url), r.mirror());
                    log.println("rpm-sources: " + file + " <- " + from);
                    log.flush();
                    download(http, from, target, s.sha512(), at);
                    status = "downloaded from " + from;
                } else if (kind == Kind.VENDOR) {
                    Path release = source0(p, r.sourceDir());
                    if (!Files.isRegularFile(release)) {
                        missing.add(at, "made from Source0, which is not in " + r.sourceDir());
                        continue;
                    }
                    log.println("rpm-sources: " + file + " <- cargo vendor of " + release.getFileName());
                    log.flush();
                    CargoVendor.Made made = CargoVendor.make(release, target, r.sourceDateEpoch(), r.env());
                    status = "made with cargo vendor (" + made.crates() + " crates)";
                } else {
                    Path inRepo = cfg.specDir().resolve(file);
                    if (!Files.isRegularFile(inRepo) && cfg.localSources().containsKey(file)) {
                        inRepo = cfg.localSources().get(file); // a replacement patch named in krunpack.yaml
                    }
                    if (!Files.isRegularFile(inRepo)) {
                        missing.add(at, "named without a URL and not in " + cfg.specDir() + ": give it a URL in "
                                + cfg.model().getFileName() + ", or put it in " + r.sourceDir());
                        continue;
                    }
                    Path from = inRepo;
                    AtomicFiles.write(target, tmp -> Files.copy(from, tmp,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING));
                    status = "copied from " + from;
                }
                if (!s.sha512().isEmpty()) {
                    String actual = Digests.sha512(target);
                    if (!actual.equals(s.sha512())) {
                        problems.add(at, "SHA-512 mismatch: the model expects " + s.sha512() + ", " + target + " has "
                                + actual + (status.equals("present") ? " (a stale or wrong file: remove it and fetch"
                                + " again)" : " (" + status + ")"));
                        continue;
                    }
                    status += ", SHA-512 verified";
                } else {
                    status += ", not verified (no SHA-512 in the model yet)";
                }
                entries.add(new Entry(p.name(), i, file, kind, url, status));
            }
        }
        problems.addAll(missing.items());
        problems.throwIfAny(missing.isEmpty() ? ExitCode.CHECK_FAILED : ExitCode.USAGE);
        List<String> summary = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (Entry e : entries) {
            summary.add(e.file() + ": " + e.status());
            artifacts.add(new Artifact("source:" + e.file(), r.sourceDir().resolve(e.file())));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("package", e.pkg());
            m.put("source", e.index());
            m.put("file", e.file());
            m.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("url", e.url());
            m.put("status", e.status());
            details.add(m);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("sourceDir", r.sourceDir().toAbsolutePath().toString());
        d.put("sources", details);
        return new PackagingResult("rpm-sources", true, artifacts, summary, d);
    }

    /** {@code https://host/path} as served by the mirror: {@code MIRROR/host/path}. */
    static URI via(URI url, URI mirror) {
        if (mirror == null) {
            return url;
        }
        String base = mirror.toString().endsWith("/") ? mirror.toString() : mirror + "/";
        try {
            return new URI(base + url.getHost() + url.getRawPath());
        } catch (URISyntaxException e) {
            throw KrunpackException.usage("--mirror: cannot serve " + url + " from " + mirror + ": " + e.getMessage());
        }
    }

    private static void download(HttpClient http, URI from, Path target, String sha512, String at) {
        String last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Path tmp = null;
            try {
                HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(from).GET()
                        .header("User-Agent", "krunpack").build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = resp.statusCode();
                if (status != 200) {
                    try (InputStream ignored = resp.body()) {
                        ignored.transferTo(OutputStream.nullOutputStream());
                    }
                    if (status < 500) {
                        throw KrunpackException.external(at + ": " + from + " answered HTTP " + status
                                + " (is the URL in the model right for this version?)");
                    }
                    last = "HTTP " + status;
                } else {
                    tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".",
                            ".part");
                    try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(tmp)) {
                        byte[] buf = new byte[1 << 16];
                        long total = 0;
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            total += n;
                            if (total > MAX_BYTES) {
                                throw KrunpackException.external(at + ": " + from + " sends more than "
                                        + (MAX_BYTES >> 30) + " GiB: refused");
                            }
                            out.write(buf, 0, n);
                        }
                    }
                    if (!sha512.isEmpty()) {
                        String actual = Digests.sha512(tmp);
                        if (!actual.equals(sha512)) {
                            throw KrunpackException.checkFailed(at + ": " + from + " sent a file whose SHA-512 is "
                                    + actual + ", not the model's " + sha512 + ": not kept (a wrong URL, or the file"
                                    + " changed upstream)");
                        }
                    }
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Specs.readable(target);
                    return;
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KrunpackException.external("interrupted while downloading " + from);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // best effort: a .part file is ignored by everything
                    }
                }
            }
            try {
                Thread.sleep(2000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KrunpackException.external("interrupted while downloading " + from);
            }
        }
        throw KrunpackException.external(at + ": cannot download " + from + " (" + ATTEMPTS + " attempts; last: "
                + last + "); check the network, or pass --mirror");
    }
}
