package org.krunpack.packaging;

import org.krunpack.project.PackagingConfig;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.specgen.ModelException;
import org.krunpack.specgen.ModelReader;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.SourcesFile;
import org.krunpack.specgen.SpecGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec facade: model → {@code rpm/<name>.spec}, {@code rpm/<name>.sources},
 * {@code rpm/macros.krunpack-autospec} and the Sources generated from the project file
 * ({@link ProjectPackaging}: the merged kernel-config fragments). Everything is rendered in memory first; files are written
 * only when every package rendered, each atomically.
 */
public final class Specs {
    private Specs() {
    }

    /** Reads the model with the project's facts, mapping its problems to a usage error (exit 2). */
    public static PackagingModel readModel(PackagingConfig cfg) {
        try {
            return ModelReader.read(cfg.model(), cfg.facts());
        } catch (ModelException e) {
            throw new KrunpackException(org.krunpack.core.ExitCode.USAGE, e.getMessage(), e.problems(), null);
        }
    }

    /** Reads a model file on its own, mapping its problems to a usage error (exit 2). */
    public static PackagingModel readModel(Path model) {
        try {
            return ModelReader.read(model);
        } catch (ModelException e) {
            throw new KrunpackException(org.krunpack.core.ExitCode.USAGE, e.getMessage(), e.problems(), null);
        }
    }

    /** The files {@code krunpack spec} writes for a model: file name (in specDir) → content, in order. */
    public static Map<String, String> render(PackagingConfig cfg, PackagingModel model) {
        Map<String, String> files = new LinkedHashMap<>();
        try {
            SpecGenerator gen = new SpecGenerator(cfg.templates());
            Map<String, String> specs = gen.renderAll(model, cfg.profile(), cfg.modelName());
            for (PackageModel p : model.packages()) {
                files.put(p.name() + ".spec", specs.get(p.name() + ".spec"));
                files.put(p.name() + ".sources", SourcesFile.render(p));
            }
        } catch (ModelException e) {
            throw new KrunpackException(org.krunpack.core.ExitCode.USAGE, e.getMessage(), e.problems(), null);
        }
        files.put(SpecGenerator.AUTOSPEC_MACROS, SpecGenerator.autospecMacros());
        files.putAll(cfg.generatedSources()); // Sources made from the project file (merged kernel-config fragments)
        return files;
    }

    /** Renders and writes every file; reports which changed. */
    public static PackagingResult generate(PackagingConfig cfg) {
        PackagingModel model = readModel(cfg);
        Map<String, String> files = render(cfg, model);
        return write(cfg, files, "spec");
    }

    static PackagingResult write(PackagingConfig cfg, Map<String, String> files, String step) {
        List<Artifact> artifacts = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (var f : files.entrySet()) {
            Path target = cfg.specDir().resolve(f.getKey());
            if (!f.getValue().equals(readOrNull(target))) {
                AtomicFiles.writeString(target, f.getValue());
                readable(target);
                changed.add(f.getKey());
            }
            artifacts.add(new Artifact(f.getKey(), target));
        }
        List<String> summary = new ArrayList<>();
        summary.add("profile " + cfg.profile() + ", model " + cfg.modelName() + ", " + files.size() + " files in "
                + cfg.specDir());
        summary.add(changed.isEmpty() ? "no file changed" : "changed: " + String.join(", ", changed));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("profile", cfg.profile().id());
        details.put("model", cfg.model().toString());
        details.put("changed", changed);
        return new PackagingResult(step, true, artifacts, summary, details);
    }

    /** Files under specDir that differ from what the generator produces (the drift check). */
    public static List<String> drift(PackagingConfig cfg) {
        Map<String, String> files = render(cfg, readModel(cfg));
        List<String> out = new ArrayList<>();
        for (var f : files.entrySet()) {
            if (!f.getValue().equals(readOrNull(cfg.specDir().resolve(f.getKey())))) {
                out.add(f.getKey());
            }
        }
        return out;
    }

    /** Mode 0644: a checked-out spec has it, and rpmbuild records the mode in the SRPM. */
    static void readable(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to normalise
        }
    }

    static String readOrNull(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
