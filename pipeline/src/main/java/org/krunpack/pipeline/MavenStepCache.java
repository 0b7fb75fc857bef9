package org.krunpack.pipeline;

import org.krunpack.core.AtomicFiles;
import org.krunpack.project.Project;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.deployment.DeployRequest;
import org.eclipse.aether.deployment.DeploymentException;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.SimpleResolutionErrorPolicy;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared build cache in a Maven repository, through Maven Resolver: a step's outputs are
 * artifacts {@code org.krunpack.stepcache:<step>:<input digest>}, one per file with its role as the
 * classifier ({@code .bin}), plus the run's summary ({@code summary.txt}). Any Maven repository
 * that accepts a deploy works: a directory, a {@code file:} URL, or HTTP(S) with PUT (Nexus,
 * Artifactory, reposilite, nginx with WebDAV). Credentials come from the {@code <server>} of
 * Maven's settings.xml named by {@code cache.serverId}; they are never printed.
 *
 * <p>Resolved artifacts land in a local repository under the project's {@code cacheDir}
 * ({@code stepcache-repository/}); "not found" is not remembered there, so a later publish from
 * another machine is seen by the next run.
 */
public final class MavenStepCache implements SharedCache {
    static final String GROUP = "org.krunpack.stepcache";
    private static final String SUMMARY = "summary";

    private final RemoteRepository remote;
    private final Path localRepository;
    private final String description;

    MavenStepCache(RemoteRepository remote, Path localRepository, String description) {
        this.remote = remote;
        this.localRepository = localRepository;
        this.description = description;
    }

    /** The cache a project names, or null when it names none. */
    public static SharedCache of(Project project) {
        Project.Cache c = project.cache();
        if (c == null) {
            return null;
        }
        return create(c.repository(), c.serverId(), settingsFile(), project.cacheDir().resolve("stepcache-repository"));
    }

    static MavenStepCache create(URI repository, String serverId, Path settings, Path localRepository) {
        RemoteRepository.Builder b = new RemoteRepository.Builder("krunpack-stepcache", "default",
                repository.toString())
                .setPolicy(new RepositoryPolicy(true, RepositoryPolicy.UPDATE_POLICY_ALWAYS,
                        RepositoryPolicy.CHECKSUM_POLICY_FAIL));
        if (serverId != null) {
            String[] cred = credentials(settings, serverId);
            if (cred != null) {
                b.setAuthentication(new AuthenticationBuilder().addUsername(cred[0]).addPassword(cred[1]).build());
            }
        }
        return new MavenStepCache(b.build(), localRepository,
                repository + (serverId == null ? "" : " (server " + serverId + ")"));
    }

    /** Maven's user settings: {@code -Dkrunpack.mavenSettings}, else {@code ~/.m2/settings.xml}. */
    static Path settingsFile() {
        String p = System.getProperty("krunpack.mavenSettings");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".m2", "settings.xml");
    }

    /** The username and password of a server in settings.xml, or null when it has none. */
    static String[] credentials(Path settings, String serverId) {
        if (!Files.isRegularFile(settings)) {
            return null;
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            Document doc = f.newDocumentBuilder().parse(settings.toFile());
            NodeList servers = doc.getElementsByTagName("server");
            for (int i = 0; i < servers.getLength(); i++) {
                Element s = (Element) servers.item(i);
                if (serverId.equals(text(s, "id"))) {
                    return new String[] {text(s, "username"), text(s, "password")};
                }
            }
            return null;
        } catch (Exception e) {
            // A settings file we cannot read means no credentials; the repository will say 401.
            return null;
        }
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
    }

    @Override
    public String describe() {
        return description;
    }

    private static Artifact artifact(String step, String digest, String role, String extension) {
        return new DefaultArtifact(GROUP, step, role, extension, digest);
    }

    @Override
    public Fetched fetch(String step, String digest, Map<String, Path> files) {
        List<ArtifactRequest> requests = new ArrayList<>();
        requests.add(new ArtifactRequest(artifact(step, digest, SUMMARY, "txt"), List.of(remote), null));
        for (String role : files.keySet()) {
            requests.add(new ArtifactRequest(artifact(step, digest, role, "bin"), List.of(remote), null));
        }
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = session(system)) {
            List<ArtifactResult> results = system.resolveArtifacts(session, requests);
            List<String> summary = Files.readAllLines(results.get(0).getArtifact().getPath(), StandardCharsets.UTF_8);
            int i = 1;
            for (Map.Entry<String, Path> e : files.entrySet()) {
                Path from = results.get(i++).getArtifact().getPath();
                AtomicFiles.write(e.getValue(), tmp -> Files.copy(from, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
            }
            return new Fetched(true, summary, null);
        } catch (ArtifactResolutionException e) {
            return Fetched.missing(notFound(e) ? "not in the shared cache " + description
                    : "the shared cache " + description + " could not be read: " + firstLine(e));
        } catch (IOException | RuntimeException e) {
            return Fetched.missing("the shared cache " + description + " could not be read: " + firstLine(e));
        } finally {
            system.shutdown();
        }
    }

    private static boolean notFound(ArtifactResolutionException e) {
        for (ArtifactResult r : e.getResults()) {
            for (Exception x : r.getExceptions()) {
                if (!(x instanceof org.eclipse.aether.transfer.ArtifactNotFoundException)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String publish(String step, String digest, Map<String, Path> files, List<String> summary) {
        RepositorySystem system = new RepositorySystemSupplier().get();
        Path summaryFile = null;
        try (RepositorySystemSession.CloseableSession session = session(system)) {
            summaryFile = Files.createTempFile("krunpack-summary", ".txt");
            Files.write(summaryFile, summary, StandardCharsets.UTF_8);
            DeployRequest req = new DeployRequest().setRepository(remote);
            req.addArtifact(artifact(step, digest, SUMMARY, "txt").setPath(summaryFile));
            Map<String, Path> ordered = new LinkedHashMap<>(files);
            for (Map.Entry<String, Path> e : ordered.entrySet()) {
                req.addArtifact(artifact(step, digest, e.getKey(), "bin").setPath(e.getValue()));
            }
            system.deploy(session, req);
            return null;
        } catch (DeploymentException | IOException | RuntimeException e) {
            return "could not deploy to the shared cache " + description + ": " + firstLine(e);
        } finally {
            system.shutdown();
            if (summaryFile != null) {
                try {
                    Files.deleteIfExists(summaryFile);
                } catch (IOException ignored) {
                    // a temporary file of a few bytes
                }
            }
        }
    }

    private RepositorySystemSession.CloseableSession session(RepositorySystem system) {
        return new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository)
                .setSystemProperties(System.getProperties())
                .setResolutionErrorPolicy(new SimpleResolutionErrorPolicy(false, false))
                .setUpdatePolicy(RepositoryPolicy.UPDATE_POLICY_ALWAYS)
                .build();
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
