package org.krunpack.project;

import org.krunpack.project.PackagingConfig;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.yaml.YamlNode;
import org.krunpack.core.Digests;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.ProjectFacts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code packaging:} section of {@code krunpack.yaml}.
 *
 * <pre>
 * packaging:
 *   model: rpm/packaging.yaml     # the packaging model (default)
 *   profile: strict               # strict (default) | dist-git
 *   packager: "Name &lt;email&gt;"       # changelog author for bump (else $RPM_PACKAGER)
 *   templates: rpm/templates      # optional: folder overriding templates file by file
 *   specDir: rpm                  # where specs, sources files and macros go (default: the model's folder)
 * </pre>
 *
 * @param model      the model file (absolute)
 * @param modelName  the model file as written in the specs' generated-by line (relative to the project)
 * @param profile    template profile
 * @param packager   changelog author, or null
 * @param templates  override folder, or null
 * @param specDir    output folder for specs
 * @param facts      what the project file says about the model's packages (libkrunfw's version,
 *                   kernel, ABI, release-patch decisions): the one source of truth for them
 * @param localSources files a spec names without a URL that live outside the spec folder, by file
 *                   name (a replacement patch named in patches.release, a patch of patches.series,
 *                   a config.full file)
 * @param generatedSources Sources made from the project file and written next to the specs by
 *                   {@code krunpack spec} (the merged kernel-config fragments), file name → content
 */
public record PackagingConfig(Path model, String modelName, Profile profile, String packager, Path templates,
                              Path specDir, List<ProjectFacts> facts, Map<String, Path> localSources,
                              Map<String, String> generatedSources) {
    public PackagingConfig {
        facts = List.copyOf(facts);
        localSources = Map.copyOf(localSources);
        generatedSources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(generatedSources));
    }

    /** Settings without project facts (a model file read on its own). */
    public PackagingConfig(Path model, String modelName, Profile profile, String packager, Path templates,
                           Path specDir) {
        this(model, modelName, profile, packager, templates, specDir, List.of(), Map.of(), Map.of());
    }

    /** The section's defaults (no {@code packaging:} in the project file). */
    public static PackagingConfig defaults(Path baseDir) {
        Path model = baseDir.resolve("rpm/packaging.yaml").normalize();
        return new PackagingConfig(model, "rpm/packaging.yaml", Profile.STRICT, null, null, model.getParent());
    }

    /** Reads the section (every key optional); problems go to the document. */
    static PackagingConfig from(YamlNode n, Path baseDir) {
        if (!n.exists()) {
            return defaults(baseDir);
        }
        n.requireMap();
        YamlNode modelNode = n.get("model");
        String modelName = modelNode.string("rpm/packaging.yaml");
        YamlNode profileNode = n.get("profile");
        String profileName = profileNode.string(Profile.STRICT.id());
        Profile profile = Profile.parse(profileName).orElse(null);
        if (profile == null) {
            profileNode.problem("'" + profileName + "' is not one of strict, dist-git");
            profile = Profile.STRICT;
        }
        String packager = n.get("packager").string();
        Path templates = n.get("templates").path(baseDir);
        Path model = modelNode.exists() ? modelNode.path(baseDir) : baseDir.resolve(modelName).normalize();
        Path specDir = n.get("specDir").path(baseDir);
        if (model == null) {
            model = baseDir.resolve("rpm/packaging.yaml").normalize();
        }
        return new PackagingConfig(model, shownName(modelName, model, baseDir), profile, packager, templates,
                specDir != null ? specDir : model.getParent());
    }

    /**
     * The model's name for the specs' generated-by line: as written when relative; an absolute path
     * relative to the project's folder when under it, else its file name — a spec never carries a
     * host's folders (the same inputs give the same spec on every machine, and a long checkout path
     * cannot push the line past the strict profile's width).
     */
    static String shownName(String written, Path model, Path baseDir) {
        if (model == null || !Path.of(written).isAbsolute()) {
            return written;
        }
        Path base = baseDir.toAbsolutePath().normalize();
        return model.startsWith(base) ? base.relativize(model).toString() : model.getFileName().toString();
    }

    /**
     * The project's section, with what the project file says about libkrunfw (version, kernel,
     * ABI, the release's per-patch decisions) as the model's values for it — but not yet its own
     * patches and kernel configuration: {@code org.krunpack.packaging.ProjectPackaging.config}
     * adds those (it reads the series and the fragments) and is what commands use.
     */
    public static PackagingConfig from(Project project) {
        PackagingConfig c = project.packaging();
        List<PackageModel.ReleasePatch> decisions = new ArrayList<>();
        Map<String, Path> local = new LinkedHashMap<>();
        for (Project.PatchDecision d : project.patches().decisions()) {
            String file = "";
            String sha = "";
            if (d.action() == Project.PatchDecision.Action.REPLACE && d.replacement() != null) {
                file = d.replacement().getFileName().toString();
                local.put(file, d.replacement());
                sha = d.sha512() != null ? d.sha512()
                        : Files.isRegularFile(d.replacement()) ? Digests.sha512(d.replacement()) : "";
            }
            decisions.add(new PackageModel.ReleasePatch(d.patch(), d.action().id(), file, sha,
                    d.action() == Project.PatchDecision.Action.FUZZ ? d.fuzz() : 0, d.reason()));
        }
        ProjectFacts f = new ProjectFacts("libkrunfw", project.file().getFileName().toString(),
                project.libkrunfw().version(), project.kernelVersion() == null ? "" : project.kernelVersion(),
                project.libkrunfw().abi(), decisions);
        return new PackagingConfig(c.model, c.modelName, c.profile, c.packager, c.templates, c.specDir, List.of(f),
                local, Map.of());
    }

    /**
     * A copy whose facts for {@code pkg} carry {@code inputs}, with more local sources and the
     * generated ones.
     */
    public PackagingConfig withInputs(String pkg, org.krunpack.specgen.PackageModel.ProjectInputs inputs,
                                      Map<String, Path> moreLocal, Map<String, String> generated) {
        List<ProjectFacts> newFacts = new ArrayList<>();
        for (ProjectFacts f : facts) {
            newFacts.add(f.pkg().equals(pkg) ? new ProjectFacts(f.pkg(), f.file(), f.version(), f.kernel(), f.abi(),
                    f.releasePatches(), inputs) : f);
        }
        Map<String, Path> local = new LinkedHashMap<>(localSources);
        local.putAll(moreLocal);
        Map<String, String> gen = new LinkedHashMap<>(generatedSources);
        gen.putAll(generated);
        return new PackagingConfig(model, modelName, profile, packager, templates, specDir, newFacts, local, gen);
    }

    public PackagingConfig withProfile(Profile p) {
        return new PackagingConfig(model, modelName, p, packager, templates, specDir, facts, localSources,
                generatedSources);
    }

    /** The same settings writing specs into {@code dir} ({@code krunpack spec --out DIR}). */
    public PackagingConfig withSpecDir(Path dir) {
        return new PackagingConfig(model, modelName, profile, packager, templates, dir, facts, localSources,
                generatedSources);
    }

    public PackagingConfig withTemplates(Path t) {
        return new PackagingConfig(model, modelName, profile, packager, t, specDir, facts, localSources,
                generatedSources);
    }

    /** The packager for changelog entries: the project file's, else $RPM_PACKAGER. */
    public String packagerOrEnv(String fromOption) {
        if (fromOption != null && !fromOption.isBlank()) {
            return fromOption;
        }
        if (packager != null && !packager.isBlank()) {
            return packager;
        }
        String env = System.getenv("RPM_PACKAGER");
        if (env != null && !env.isBlank()) {
            return env;
        }
        throw KrunpackException.usage("no packager for the changelog entry: set packaging.packager in krunpack.yaml,"
                + " or RPM_PACKAGER=\"Full Name <email>\", or pass --packager");
    }
}
