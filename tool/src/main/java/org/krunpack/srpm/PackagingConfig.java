package org.krunpack.srpm;

import com.fasterxml.jackson.databind.JsonNode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.project.Project;
import org.krunpack.specgen.Profile;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

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
 */
public record PackagingConfig(Path model, String modelName, Profile profile, String packager, Path templates,
                              Path specDir) {
    private static final Set<String> KEYS = Set.of("model", "profile", "packager", "templates", "specDir");

    /** Reads the section (every key optional). */
    public static PackagingConfig from(Project project) {
        JsonNode n = project.raw().path("packaging");
        Problems problems = new Problems(project.file().toString());
        if (!n.isMissingNode() && !n.isObject()) {
            problems.add("packaging", "expected a mapping (keys: " + KEYS + ")");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                problems.add("packaging." + k, "unknown key (known: " + new java.util.TreeSet<>(KEYS) + ")");
            }
        }
        String modelName = n.path("model").asText("rpm/packaging.yaml");
        String profileName = n.path("profile").asText(Profile.STRICT.id());
        Profile profile = Profile.parse(profileName).orElse(null);
        if (profile == null) {
            problems.add("packaging.profile", "'" + profileName + "' is not one of strict, dist-git");
        }
        String packager = n.hasNonNull("packager") ? n.get("packager").asText() : null;
        Path templates = n.hasNonNull("templates") ? project.baseDir().resolve(n.get("templates").asText()) : null;
        Path model = project.baseDir().resolve(modelName).normalize();
        Path specDir = n.hasNonNull("specDir") ? project.baseDir().resolve(n.get("specDir").asText()).normalize()
                : model.getParent();
        problems.throwIfAny();
        return new PackagingConfig(model, modelName, profile, packager, templates, specDir);
    }

    public PackagingConfig withProfile(Profile p) {
        return new PackagingConfig(model, modelName, p, packager, templates, specDir);
    }

    public PackagingConfig withTemplates(Path t) {
        return new PackagingConfig(model, modelName, profile, packager, t, specDir);
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
