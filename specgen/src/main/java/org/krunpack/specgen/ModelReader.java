package org.krunpack.specgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the packaging model (YAML, see docs/specs.md) and validates it: every problem is collected
 * with its path ({@code packages.libkrun.sources[0].sha512}) and reported at once.
 */
public final class ModelReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> PACKAGE_KEYS = Set.of("version", "release", "kernel", "abi", "summary",
            "description", "license", "distGitLicense", "licenseFiles", "docFiles", "url", "sources", "patches",
            "arches", "buildRequires", "archBuildRequires", "subpackages", "requires", "crates", "changelog", "switches",
            "bconds", "extra", "cratesFile");

    private final String subject;
    private final List<String> problems = new ArrayList<>();
    private final List<ProjectFacts> facts;
    private final Path baseDir;

    private ModelReader(String subject, List<ProjectFacts> facts, Path baseDir) {
        this.subject = subject;
        this.facts = facts;
        this.baseDir = baseDir;
    }

    public static PackagingModel read(Path file) {
        return read(file, List.of());
    }

    /**
     * Reads the model with the project file's values for some packages (version, kernel, ABI,
     * release-patch decisions): the model may leave them out; a value it states must agree.
     */
    public static PackagingModel read(Path file, List<ProjectFacts> facts) {
        String text;
        try {
            text = org.krunpack.core.Inputs.readUtf8(file, org.krunpack.core.Inputs.TEXT_LIMIT, "packaging model");
        } catch (org.krunpack.core.KrunpackException e) {
            throw new ModelException(file.toString(), List.of(e.getMessage()
                    + " (packaging.model in krunpack.yaml names this file)"));
        }
        return parse(text, file.toString(), facts, file.toAbsolutePath().getParent());
    }

    /**
     * Reads the model without loading the packages' generated crates files (their names are kept):
     * what {@code krunpack spec crates} needs to regenerate a file that is missing or out of date.
     */
    public static PackagingModel readWithoutCrates(Path file, List<ProjectFacts> facts) {
        String text = org.krunpack.core.Inputs.readUtf8(file, org.krunpack.core.Inputs.TEXT_LIMIT, "packaging model");
        return parse(text, file.toString(), facts, null);
    }

    public static PackagingModel parse(String yaml, String subject) {
        return parse(yaml, subject, List.of());
    }

    public static PackagingModel parse(String yaml, String subject, List<ProjectFacts> facts) {
        return parse(yaml, subject, facts, Path.of("").toAbsolutePath());
    }

    /** As {@link #parse(String, String, List)}, a package's {@code cratesFile} read relative to {@code baseDir}. */
    public static PackagingModel parse(String yaml, String subject, List<ProjectFacts> facts, Path baseDir) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ModelException(subject, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "")));
        }
        ModelReader r = new ModelReader(subject, facts, baseDir);
        PackagingModel model = r.model(root);
        r.problems.addAll(ModelValidator.validate(model));
        if (!r.problems.isEmpty()) {
            throw new ModelException(subject, r.problems);
        }
        return model;
    }

    private PackagingModel model(JsonNode root) {
        if (root == null || !root.isObject()) {
            problems.add("(top): expected a mapping with key 'packages'");
            return new PackagingModel(List.of());
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("packages")) {
                problems.add(k + ": unknown key (known: packages)");
            }
        }
        JsonNode ps = root.path("packages");
        if (!ps.isObject() || ps.isEmpty()) {
            problems.add("packages: required: a mapping from package name to its description");
            return new PackagingModel(List.of());
        }
        List<PackageModel> out = new ArrayList<>();
        for (Iterator<String> it = ps.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            out.add(pkg(name, ps.get(name), "packages." + name));
        }
        return new PackagingModel(out);
    }

    private PackageModel pkg(String name, JsonNode n, String at) {
        if (!n.isObject()) {
            problems.add(at + ": expected a mapping");
            n = YAML.createObjectNode();
        }
        unknownKeys(n, at, PACKAGE_KEYS);
        List<PackageModel.Source> sources = new ArrayList<>();
        JsonNode s = n.path("sources");
        for (int i = 0; i < s.size(); i++) {
            String w = at + ".sources[" + i + "]";
            unknownKeys(s.get(i), w, Set.of("url", "sha512", "comment"));
            sources.add(new PackageModel.Source(str(s.get(i), w, "url", true), str(s.get(i), w, "sha512", false),
                    list(s.get(i), w, "comment")));
        }
        List<PackageModel.Patch> patches = new ArrayList<>();
        JsonNode p = n.path("patches");
        for (int i = 0; i < p.size(); i++) {
            String w = at + ".patches[" + i + "]";
            unknownKeys(p.get(i), w, Set.of("file", "upstream"));
            patches.add(new PackageModel.Patch(str(p.get(i), w, "file", true), str(p.get(i), w, "upstream", true)));
        }
        JsonNode a = n.path("arches");
        PackageModel.Arches arches = new PackageModel.Arches(list(a, at + ".arches", "list"),
                str(a, at + ".arches", "reason", false));
        List<PackageModel.ArchBuildRequires> abr = new ArrayList<>();
        JsonNode ab = n.path("archBuildRequires");
        for (int i = 0; i < ab.size(); i++) {
            String w = at + ".archBuildRequires[" + i + "]";
            unknownKeys(ab.get(i), w, Set.of("arches", "requires"));
            abr.add(new PackageModel.ArchBuildRequires(list(ab.get(i), w, "arches"), list(ab.get(i), w, "requires")));
        }
        List<PackageModel.Subpackage> subs = new ArrayList<>();
        JsonNode sp = n.path("subpackages");
        for (int i = 0; i < sp.size(); i++) {
            String w = at + ".subpackages[" + i + "]";
            JsonNode x = sp.get(i);
            unknownKeys(x, w, Set.of("name", "summary", "description", "arches", "bcond", "bcondDefault",
                    "fedoraOnly", "reason"));
            subs.add(new PackageModel.Subpackage(str(x, w, "name", true), str(x, w, "summary", true),
                    list(x, w, "description"), list(x, w, "arches"), str(x, w, "bcond", false),
                    bool(x, w, "bcondDefault"), bool(x, w, "fedoraOnly"), str(x, w, "reason", false)));
        }
        List<PackageModel.Requirement> reqs = new ArrayList<>();
        JsonNode rq = n.path("requires");
        for (int i = 0; i < rq.size(); i++) {
            String w = at + ".requires[" + i + "]";
            JsonNode x = rq.get(i);
            unknownKeys(x, w, Set.of("subpackage", "name", "version", "reason"));
            reqs.add(new PackageModel.Requirement(str(x, w, "subpackage", false), str(x, w, "name", true),
                    str(x, w, "version", false), str(x, w, "reason", true)));
        }
        List<PackageModel.Crate> crates = new ArrayList<>();
        JsonNode cr = n.path("crates");
        for (int i = 0; i < cr.size(); i++) {
            String w = at + ".crates[" + i + "]";
            JsonNode x = cr.get(i);
            unknownKeys(x, w, Set.of("name", "version", "license"));
            crates.add(new PackageModel.Crate(str(x, w, "name", true), str(x, w, "version", true),
                    str(x, w, "license", true)));
        }
        List<PackageModel.ChangelogEntry> log = new ArrayList<>();
        JsonNode cl = n.path("changelog");
        for (int i = 0; i < cl.size(); i++) {
            String w = at + ".changelog[" + i + "]";
            JsonNode x = cl.get(i);
            unknownKeys(x, w, Set.of("date", "author", "evr", "lines"));
            log.add(new PackageModel.ChangelogEntry(str(x, w, "date", true), str(x, w, "author", true),
                    str(x, w, "evr", true), list(x, w, "lines")));
        }
        List<PackageModel.Switch> switches = new ArrayList<>();
        JsonNode sw = n.path("switches");
        for (int i = 0; i < sw.size(); i++) {
            String w = at + ".switches[" + i + "]";
            JsonNode x = sw.get(i);
            unknownKeys(x, w, Set.of("name", "default", "arches", "reason", "buildRequires"));
            switches.add(new PackageModel.Switch(str(x, w, "name", true), str(x, w, "default", true),
                    list(x, w, "arches"), str(x, w, "reason", true), list(x, w, "buildRequires")));
        }
        List<PackageModel.Bcond> bconds = new ArrayList<>();
        JsonNode bc = n.path("bconds");
        for (int i = 0; i < bc.size(); i++) {
            String w = at + ".bconds[" + i + "]";
            unknownKeys(bc.get(i), w, Set.of("name", "default", "reason"));
            bconds.add(new PackageModel.Bcond(str(bc.get(i), w, "name", true), bool(bc.get(i), w, "default"),
                    str(bc.get(i), w, "reason", false)));
        }
        List<PackageModel.Extra> extra = new ArrayList<>();
        JsonNode ex = n.path("extra");
        for (int i = 0; i < ex.size(); i++) {
            String w = at + ".extra[" + i + "]";
            unknownKeys(ex.get(i), w, Set.of("slot", "lines"));
            extra.add(new PackageModel.Extra(str(ex.get(i), w, "slot", true), list(ex.get(i), w, "lines")));
        }
        int abi = n.has("abi") ? n.get("abi").asInt(-1) : -1;
        if (n.has("abi") && !n.get("abi").canConvertToInt()) {
            problems.add(at + ".abi: expected a number (the SONAME major)");
        }
        ProjectFacts f = ProjectFacts.of(facts, name);
        PackageModel read = new PackageModel(name, str(n, at, "version", f == null), str(n, at, "release", true),
                str(n, at, "summary", true), list(n, at, "description"), str(n, at, "license", true),
                str(n, at, "distGitLicense", false), list(n, at, "licenseFiles"), list(n, at, "docFiles"),
                str(n, at, "url", true), str(n, at, "kernel", false), abi, sources, patches, arches,
                list(n, at, "buildRequires"), abr, subs, reqs, crates, log, switches, List.of(), bconds, extra);
        PackageModel withFacts = f == null ? read : withFacts(read, n, at, f);
        String cratesFile = str(n, at, "cratesFile", false);
        return cratesFile.isEmpty() ? withFacts : withCratesFile(withFacts, cratesFile, at);
    }

    /**
     * The package with its crates from the generated file: the file must belong to this package
     * and to its version (one source of truth), and the package needs the system_crates switch
     * that chooses between Fedora's crate packages and the vendored crates.
     */
    private PackageModel withCratesFile(PackageModel p, String file, String at) {
        if (!p.crates().isEmpty()) {
            problems.add(at + ".crates: give either crates or cratesFile, not both (cratesFile is generated by"
                    + " krunpack spec crates from the release; remove the crates list)");
        }
        if (!p.hasSystemCratesSwitch()) {
            problems.add(at + ".switches: a package with a cratesFile needs the '" + PackageModel.SYSTEM_CRATES
                    + "' switch (on: Fedora's crate packages, off: the vendored crates); add it with its reason");
        }
        if (baseDir == null) {
            return p.withCrates(file, List.of(), java.util.Map.of()); // read without the generated crates (krunpack spec crates)
        }
        Path path = baseDir.resolve(file).normalize();
        CratesFile cf;
        try {
            cf = CratesFile.read(path);
        } catch (ModelException e) {
            for (String pr : e.problems()) {
                problems.add(at + ".cratesFile: " + path + ": " + pr);
            }
            return p;
        }
        if (!cf.packageName().equals(p.name())) {
            problems.add(at + ".cratesFile: " + path + " holds the crates of '" + cf.packageName() + "', not of '"
                    + p.name() + "': name the right file");
        } else if (!cf.version().equals(p.version())) {
            problems.add(at + ".version: " + p.version() + ", but " + path + " was generated from the " + p.name()
                    + " " + cf.version() + " release (" + cf.release() + "): regenerate it from the " + p.version()
                    + " release with krunpack spec crates --release TARBALL");
        }
        for (String sw : cf.switchBuildRequires().keySet()) {
            if (p.switches().stream().noneMatch(x -> x.name().equals(sw))
                    && p.subpackages().stream().noneMatch(x -> x.bcond().equals(sw))) {
                problems.add(at + ".cratesFile: " + path + " has crate BuildRequires for the build condition '" + sw
                        + "', which is neither a switch nor a subpackage's bcond of the package: regenerate it with"
                        + " krunpack spec crates");
            }
        }
        return p.withCrates(file, cf.crates(), cf.modelBuildRequires());
    }

    /** The project file's values in place of the model's; a model value that disagrees is a problem. */
    private PackageModel withFacts(PackageModel p, JsonNode n, String at, ProjectFacts f) {
        agree(n, at, "version", p.version(), f.version(), f);
        String kernel = f.kernel().isEmpty() ? p.kernel() : f.kernel();
        if (!f.kernel().isEmpty()) {
            agree(n, at, "kernel", p.kernel(), f.kernel(), f);
        }
        agree(n, at, "abi", Integer.toString(p.abi()), Integer.toString(f.abi()), f);
        return p.withProjectFacts(f.version(), kernel, f.abi(), f.releasePatches(), f.inputs());
    }

    private void agree(JsonNode n, String at, String key, String model, String project, ProjectFacts f) {
        if (n.has(key) && !model.equals(project)) {
            problems.add(at + "." + key + ": '" + model + "' disagrees with " + f.file() + " "
                    + ProjectFacts.projectKey(key) + " '" + project + "': the project file is the one source of"
                    + " truth; remove " + at + "." + key + " from the model");
        }
    }

    private void unknownKeys(JsonNode n, String at, Set<String> known) {
        if (n == null || !n.isObject()) {
            problems.add(at + ": expected a mapping");
            return;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                problems.add(at + "." + k + ": unknown key (known: " + String.join(", ", new java.util.TreeSet<>(known))
                        + ")");
            }
        }
    }

    private String str(JsonNode n, String at, String key, boolean required) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(at + "." + key + ": required");
            }
            return "";
        }
        if (!v.isValueNode()) {
            problems.add(at + "." + key + ": expected a single value, not a " + v.getNodeType().name().toLowerCase());
            return "";
        }
        return v.asText();
    }

    private boolean bool(JsonNode n, String at, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(at + "." + key + ": expected true or false");
            return false;
        }
        return v.booleanValue();
    }

    private List<String> list(JsonNode n, String at, String key) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add(at + "." + key + ": expected a list");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isValueNode()) {
                problems.add(at + "." + key + "[" + i + "]: expected a single value");
            } else {
                out.add(v.get(i).asText());
            }
        }
        return out;
    }

    String subject() {
        return subject;
    }
}
