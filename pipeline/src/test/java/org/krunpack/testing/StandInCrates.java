package org.krunpack.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * crates.io, stood in for tests that run the real {@code cargo vendor} on a real Rust release
 * (libkrun from the shared fixtures) without network: a cargo directory source holding, for each
 * crates.io package of the release's Cargo.lock, an empty crate with the lock's name, version,
 * dependencies and checksum (so cargo resolves exactly the lock and accepts it), and every feature
 * the release's manifests ask of a dependency. Only the crates' contents are not real. Used
 * through a CARGO_HOME whose config.toml replaces crates.io with that directory.
 */
public final class StandInCrates {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern DEP_FEATURE = Pattern.compile("\"[A-Za-z0-9_-]+\\??/([A-Za-z0-9_.+-]+)\"");
    private static final Pattern FEATURE_LIST = Pattern.compile("features\\s*=\\s*\\[([^\\]]*)\\]", Pattern.DOTALL);

    /** One crates.io package of a Cargo.lock. */
    public record LockedCrate(String name, String version, String checksum, List<String> dependencies) {
    }

    private StandInCrates() {
    }

    /** The crates.io packages of the release's Cargo.lock. */
    public static List<LockedCrate> locked(Path release) throws IOException {
        return parseLock(read(release).get("Cargo.lock"));
    }

    /**
     * Writes the crates into {@code dir/crates} and a {@code dir/cargo-home/config.toml} using them;
     * returns the CARGO_HOME to set.
     */
    public static Path cargoHome(Path release, Path dir) throws IOException {
        Map<String, String> files = read(release);
        List<LockedCrate> crates = parseLock(files.get("Cargo.lock"));
        TreeSet<String> features = new TreeSet<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (f.getKey().endsWith("Cargo.toml")) {
                features.addAll(requestedFeatures(f.getValue()));
            }
        }
        features.remove("default");
        Map<String, List<String>> versions = new LinkedHashMap<>();
        crates.forEach(c -> versions.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c.version()));
        Path registry = Files.createDirectories(dir.resolve("crates"));
        for (LockedCrate c : crates) {
            Path d = Files.createDirectories(registry.resolve(c.name() + "-" + c.version()).resolve("src"))
                    .getParent();
            StringBuilder m = new StringBuilder();
            m.append("[package]\nname = \"").append(c.name()).append("\"\nversion = \"").append(c.version())
                    .append("\"\nedition = \"2018\"\n\n[dependencies]\n");
            for (int i = 0; i < c.dependencies().size(); i++) {
                String[] dep = c.dependencies().get(i).split(" ");
                String version = dep.length > 1 ? dep[1] : versions.get(dep[0]).get(0);
                m.append("d").append(i).append(" = { package = \"").append(dep[0]).append("\", version = \"=")
                        .append(version).append("\" }\n");
            }
            m.append("\n[features]\ndefault = []\n");
            features.forEach(f -> m.append('"').append(f).append("\" = []\n"));
            Files.writeString(d.resolve("Cargo.toml"), m);
            Files.writeString(d.resolve("src/lib.rs"), "");
            Files.writeString(d.resolve(".cargo-checksum.json"), "{\"files\":{},\"package\":\"" + c.checksum() + "\"}");
        }
        Path home = Files.createDirectories(dir.resolve("cargo-home"));
        Files.writeString(home.resolve("config.toml"), "[source.crates-io]\nreplace-with = \"krunpack-test-crates\"\n\n"
                + "[source.krunpack-test-crates]\ndirectory = \"" + registry + "\"\n");
        return home;
    }

    /** Cargo.lock and every Cargo.toml of a release tarball, by path below its top folder. */
    private static Map<String, String> read(Path release) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(release));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName().replaceFirst("^[^/]+/", "");
                if (e.isFile() && (name.equals("Cargo.lock") || name.endsWith("Cargo.toml"))) {
                    out.put(name, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        if (!out.containsKey("Cargo.lock")) {
            throw new AssertionError(release + " holds no Cargo.lock at its top");
        }
        return out;
    }

    static List<LockedCrate> parseLock(String lock) {
        List<LockedCrate> out = new ArrayList<>();
        for (String block : lock.split("\\[\\[package\\]\\]")) {
            String name = value(block, "name");
            String source = value(block, "source");
            if (name == null || source == null || !source.startsWith("registry+")) {
                continue;
            }
            List<String> deps = new ArrayList<>();
            Matcher d = Pattern.compile("dependencies = \\[(.*?)\\]", Pattern.DOTALL).matcher(block);
            if (d.find()) {
                Matcher q = QUOTED.matcher(d.group(1));
                while (q.find()) {
                    deps.add(q.group(1).replaceFirst(" \\(.*\\)$", ""));
                }
            }
            out.add(new LockedCrate(name, value(block, "version"), value(block, "checksum"), deps));
        }
        return out;
    }

    private static String value(String block, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + " = \"([^\"]*)\"").matcher(block);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> requestedFeatures(String manifest) {
        List<String> out = new ArrayList<>();
        Matcher f = DEP_FEATURE.matcher(manifest);
        while (f.find()) {
            out.add(f.group(1));
        }
        Matcher lists = FEATURE_LIST.matcher(manifest);
        while (lists.find()) {
            Matcher q = QUOTED.matcher(lists.group(1));
            while (q.find()) {
                String s = q.group(1);
                out.add(s.contains("/") ? s.substring(s.indexOf('/') + 1) : s.replaceFirst("^dep:", ""));
            }
        }
        return out;
    }
}
