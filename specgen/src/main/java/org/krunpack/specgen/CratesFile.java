package org.krunpack.specgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.krunpack.core.Inputs;
import org.krunpack.core.KrunpackException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The crates of one release of a Rust package, as {@code krunpack spec crates} generates them
 * from the release's Cargo.lock and manifests (and licences from a vendored crate tarball):
 * the file a package's {@code cratesFile} names. Never written by hand; the spec generator
 * refuses one whose release is not the model's version.
 *
 * @param packageName   the model package it belongs to
 * @param version       the release it was generated from
 * @param release       the release tarball's file name
 * @param releaseSha512 its SHA-512
 * @param licensesFrom  where the licences came from (a vendor tarball, or the previous file)
 * @param buildRequires rust2rpm-style crate BuildRequires (Fedora's crate packages) of every build
 * @param switchBuildRequires those a build condition adds, by its name: a switch (gpu) or a subpackage's
 *                            bcond (sev), through the cargo features the release's Makefile turns on for
 *                            {@code make NAME=1} (else the feature of the same name)
 * @param crates        every registry crate of the lock at its locked version; licence "" when unknown
 */
public record CratesFile(String packageName, String version, String release, String releaseSha512,
                         String licensesFrom, List<String> buildRequires, Map<String, List<String>> switchBuildRequires,
                         List<PackageModel.Crate> crates) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KEYS = Set.of("package", "version", "release", "releaseSha512", "licensesFrom",
            "buildRequires", "switchBuildRequires", "crates");

    /** The crate BuildRequires as the model holds them: key "" for every build, else by switch. */
    public Map<String, List<String>> modelBuildRequires() {
        Map<String, List<String>> out = new LinkedHashMap<>(switchBuildRequires);
        out.put("", buildRequires);
        return out;
    }

    /** The crates whose licence is not known. */
    public List<PackageModel.Crate> unknownLicenses() {
        return crates.stream().filter(c -> c.license().isEmpty()).toList();
    }

    /** Reads a crates file; every problem names the file and the field. */
    public static CratesFile read(Path file) {
        String text;
        try {
            text = Inputs.readUtf8(file, Inputs.TEXT_LIMIT, "crates file");
        } catch (KrunpackException e) {
            throw new ModelException(file.toString(), List.of(e.getMessage()
                    + " (a package's cratesFile in the packaging model names this file; krunpack spec crates writes it)"));
        }
        return parse(text, file.toString());
    }

    public static CratesFile parse(String text, String subject) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelException(subject, List.of("not valid YAML: " + e.getOriginalMessage()
                    + ": regenerate it with krunpack spec crates"));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new ModelException(subject, List.of("(top): expected a mapping: regenerate it with krunpack spec crates"));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                problems.add(k + ": unknown key (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        List<String> brs = new ArrayList<>();
        root.path("buildRequires").forEach(n -> brs.add(n.asText()));
        Map<String, List<String>> sw = new LinkedHashMap<>();
        for (Iterator<String> it = root.path("switchBuildRequires").fieldNames(); it.hasNext(); ) {
            String k = it.next();
            List<String> l = new ArrayList<>();
            root.path("switchBuildRequires").get(k).forEach(n -> l.add(n.asText()));
            sw.put(k, List.copyOf(l));
        }
        List<PackageModel.Crate> crates = new ArrayList<>();
        JsonNode cs = root.path("crates");
        for (int k = 0; k < cs.size(); k++) {
            final int i = k;
            JsonNode c = cs.get(i);
            String name = c.path("name").asText("");
            String version = c.path("version").asText("");
            if (name.isEmpty() || version.isEmpty()) {
                problems.add("crates[" + i + "]: needs name and version");
            }
            RpmGrammar.checkVersion(version).ifPresent(m -> problems.add("crates[" + i + "].version: '" + version + "' " + m));
            crates.add(new PackageModel.Crate(name, version, c.path("license").asText("")));
        }
        for (String k : List.of("package", "version", "release")) {
            if (root.path(k).asText("").isEmpty()) {
                problems.add(k + ": required: regenerate the file with krunpack spec crates");
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelException(subject, problems);
        }
        return new CratesFile(root.path("package").asText(), root.path("version").asText(),
                root.path("release").asText(), root.path("releaseSha512").asText(""),
                root.path("licensesFrom").asText(""), List.copyOf(brs), Map.copyOf(sw), List.copyOf(crates));
    }

    /** The file's text: a header saying how it was made, then the fields in a stable order. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Generated by krunpack spec crates from ").append(release).append(": do not edit.\n")
                .append("# Regenerate: ./krunpack spec crates --release ").append(release)
                .append(" [--vendor VENDOR_TARBALL]  (see docs/specs.md, \"Crates\")\n");
        sb.append("package: ").append(q(packageName)).append('\n');
        sb.append("version: ").append(q(version)).append('\n');
        sb.append("release: ").append(q(release)).append('\n');
        sb.append("releaseSha512: ").append(q(releaseSha512)).append('\n');
        sb.append("licensesFrom: ").append(q(licensesFrom)).append('\n');
        sb.append("buildRequires:\n");
        for (String b : buildRequires) {
            sb.append("  - ").append(q(b)).append('\n');
        }
        sb.append("switchBuildRequires:\n");
        for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(switchBuildRequires).entrySet()) {
            sb.append("  ").append(e.getKey()).append(":\n");
            for (String b : e.getValue()) {
                sb.append("    - ").append(q(b)).append('\n');
            }
        }
        sb.append("crates:\n");
        for (PackageModel.Crate c : crates) {
            sb.append("  - {name: ").append(q(c.name())).append(", version: ").append(q(c.version()))
                    .append(", license: ").append(q(c.license())).append("}\n");
        }
        return sb.toString();
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
