package org.krunpack.packaging;

import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.Inputs;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.PackagingConfig;
import org.krunpack.specgen.ModelException;
import org.krunpack.specgen.ModelWriter;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.specgen.SpecImporter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code krunpack spec import SPEC}: an existing dist-git spec's release, changelog history,
 * commented patches, build conditions and the lines the template does not write (kept verbatim in
 * named slots) into the model's package of the same name; then the model file and the specs are
 * rewritten. Lines without a place in the model are reported, never silently lost.
 */
public final class SpecImport {
    private static final Pattern NAME = Pattern.compile("(?m)^Name:\\s*(\\S+)\\s*$");
    private static final long MAX_SPEC_BYTES = 4L << 20;

    private SpecImport() {
    }

    /** The model with the spec imported into its package (nothing written). */
    public static SpecImporter.Result importSpec(PackagingConfig cfg, PackagingModel model, String specText, String where) {
        Matcher m = NAME.matcher(specText);
        if (!m.find()) {
            throw KrunpackException.usage(where + ": no 'Name:' line (is this a spec file?)");
        }
        String name = m.group(1);
        if (model.find(name).isEmpty()) {
            throw KrunpackException.usage(where + ": Name '" + name + "' is not a package of " + cfg.modelName()
                    + " (known: " + model.names() + ")");
        }
        SpecGenerator gen = new SpecGenerator(cfg.templates());
        try {
            return SpecImporter.importInto(model.get(name), specText, p -> gen.render(p, cfg.profile(), cfg.modelName()));
        } catch (ModelException e) {
            throw new KrunpackException(ExitCode.USAGE, where + ": " + e.getMessage(), e.problems(), null);
        }
    }

    public static PackagingResult run(PackagingConfig cfg, Path spec) {
        String text = Inputs.readUtf8(spec, MAX_SPEC_BYTES, "SPEC");
        PackagingModel before = Specs.readModel(cfg);
        SpecImporter.Result r = importSpec(cfg, before, text, spec.toString());
        PackagingModel after = before.with(r.pkg().name(), p -> r.pkg());
        String yaml = ModelWriter.write(after, cfg.facts());
        Map<String, String> files = Specs.render(cfg, after);
        AtomicFiles.writeString(cfg.model(), yaml);
        PackagingResult written = Specs.write(cfg, files, "spec-import");
        List<String> summary = new ArrayList<>();
        summary.add(r.pkg().name() + ": " + r.pkg().changelog().size() + " changelog entries, " + r.pkg().patches().size()
                + " patches, " + r.pkg().bconds().size() + " build conditions, "
                + r.pkg().extra().stream().mapToInt(e -> e.lines().size()).sum() + " verbatim lines imported");
        if (!r.dropped().isEmpty()) {
            summary.add("not kept (no place in the model; the template writes these sections): " + r.dropped().size()
                    + " lines");
            r.dropped().forEach(d -> summary.add("  " + d));
        }
        summary.addAll(written.summary());
        List<Artifact> artifacts = new ArrayList<>();
        artifacts.add(new Artifact("model", cfg.model()));
        artifacts.addAll(written.artifacts());
        Map<String, Object> details = new LinkedHashMap<>(written.details());
        details.put("package", r.pkg().name());
        details.put("dropped", r.dropped());
        return new PackagingResult("spec-import", true, artifacts, summary, details);
    }
}
