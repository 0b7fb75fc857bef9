package org.krunpack.packaging;

import org.krunpack.project.PackagingConfig;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.specgen.Macros;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.SpecGenerator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SRPM facade: {@code rpmbuild -bs} of each generated spec, with its sources staged in a private
 * {@code _sourcedir} (sources from the source folder, patches from the spec folder), each source
 * checked against the model's SHA-512 first. Reproducible: SOURCE_DATE_EPOCH,
 * {@code use_source_date_epoch_as_buildtime}, {@code clamp_mtime_to_source_date_epoch}, fixed build
 * host (see {@link Rpmbuild}).
 */
public final class Srpms {
    private Srpms() {
    }

    /**
     * @param packages        which packages (empty: all, in model order)
     * @param sourceDir       where the Source files are
     * @param outDir          where the SRPMs go
     * @param standIn         write stand-in tarballs for missing sources (named as such in the report)
     */
    public record Request(List<String> packages, Path sourceDir, Path outDir, long sourceDateEpoch, boolean standIn) {
    }

    public static PackagingResult build(PackagingConfig cfg, Request r) {
        PackagingModel model = Specs.readModel(cfg);
        List<String> drift = Specs.drift(cfg);
        if (!drift.isEmpty()) {
            throw KrunpackException.usage(cfg.specDir() + ": out of date with the model (" + String.join(", ", drift)
                    + "): run ./krunpack spec first");
        }
        List<PackageModel> pkgs = new ArrayList<>();
        Problems problems = new Problems("srpm");
        for (String name : r.packages().isEmpty() ? model.names() : r.packages()) {
            model.find(name).ifPresentOrElse(pkgs::add,
                    () -> problems.add(name, "not in the model (known: " + model.names() + ")"));
        }
        problems.throwIfAny();

        // The SRPM header stores the build scripts expanded, %{SOURCE1} included: sources are staged
        // at one fixed path (under a lock) so the SRPM does not depend on where the inputs were.
        Path stage = Rpmbuild.SRPM_BUILD_ROOT.resolve("SOURCES");
        List<String> summary = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        try (FileChannel lockFile = lockChannel(); FileLock lock = lockFile.lock()) {
            AtomicFiles.deleteTree(stage);
            Files.createDirectories(stage);
            Files.createDirectories(r.outDir());
            List<String> standIns = new ArrayList<>();
            List<String> unverified = new ArrayList<>();
            for (PackageModel p : pkgs) {
                stageSources(p, cfg, r, stage, problems, standIns, unverified);
            }
            problems.throwIfAny();
            Path macros = cfg.specDir().resolve(SpecGenerator.AUTOSPEC_MACROS);
            Rpmbuild.Options o = new Rpmbuild.Options(stage, r.sourceDateEpoch(), macros, List.of());
            Map<String, String> srpms = new LinkedHashMap<>();
            for (PackageModel p : pkgs) {
                Path spec = stage.resolve(p.name() + ".spec");
                copy(cfg.specDir().resolve(p.name() + ".spec"), spec);
                Rpmbuild.parse(spec, o);
                for (Path srpm : Rpmbuild.sourceRpm(spec, r.outDir(), o)) {
                    artifacts.add(new Artifact("srpm:" + p.name(), srpm));
                    String sha = Digests.sha256(srpm);
                    srpms.put(srpm.getFileName().toString(), sha);
                    summary.add(srpm.getFileName() + " sha256 " + sha);
                }
            }
            if (!standIns.isEmpty()) {
                summary.add("STAND-IN sources (not upstream's; for trials only): " + String.join(", ", standIns));
            }
            if (!unverified.isEmpty()) {
                summary.add("not verified (no SHA-512 in the model yet): " + String.join(", ", unverified));
            }
            details.put("srpms", srpms);
            details.put("standInSources", standIns);
            details.put("unverifiedSources", unverified);
            details.put("sourceDateEpoch", r.sourceDateEpoch());
            AtomicFiles.deleteTree(stage);
        } catch (IOException e) {
            throw KrunpackException.external("cannot stage sources in " + stage + ": " + e.getMessage(), e);
        }
        return new PackagingResult("srpm", true, artifacts, summary, details);
    }

    private static void stageSources(PackageModel p, PackagingConfig cfg, Request r, Path stage, Problems problems,
                                     List<String> standIns, List<String> unverified) {
        Path standInDir = stage.resolve(".stand-in");
        List<PackageModel.Source> all = p.allSources();
        for (int i = 0; i < all.size(); i++) {
            PackageModel.Source s = all.get(i);
            String file = Macros.sourceFileName(p, s);
            String at = "packages." + p.name() + ".sources[" + i + "] (" + file + ")";
            Path src = r.sourceDir() == null ? null : r.sourceDir().resolve(file);
            if ((src == null || !Files.isRegularFile(src)) && cfg.localSources().containsKey(file)) {
                src = cfg.localSources().get(file); // a replacement or own patch, a full config of krunpack.yaml
            }
            if (cfg.generatedSources().containsKey(file)) {
                src = cfg.specDir().resolve(file); // written by krunpack spec (the drift check above passed)
            }
            if (src == null || !Files.isRegularFile(src)) {
                if (!r.standIn()) {
                    problems.add(at, "not found in " + r.sourceDir() + ": download it there (see "
                            + p.name() + ".sources), or pass --stand-in for a trial SRPM");
                    continue;
                }
                StandInSources.writeMissing(p, standInDir, r.sourceDateEpoch());
                src = standInDir.resolve(file);
                standIns.add(file);
            } else if (s.sha512().isEmpty()) {
                unverified.add(file);
            } else {
                String actual = Digests.sha512(src);
                if (!actual.equals(s.sha512())) {
                    problems.add(at, "SHA-512 mismatch: the model expects " + s.sha512() + ", " + src + " has "
                            + actual + " (wrong file, or run krunpack bump to record a new one)");
                    continue;
                }
            }
            copy(src, stage.resolve(file));
        }
        for (PackageModel.Patch patch : p.patches()) {
            Path src = cfg.specDir().resolve(patch.file());
            if (!Files.isRegularFile(src)) {
                problems.add("packages." + p.name() + ".patches (" + patch.file() + ")", "not found in " + cfg.specDir());
                continue;
            }
            copy(src, stage.resolve(patch.file()));
        }
    }

    private static FileChannel lockChannel() throws IOException {
        Files.createDirectories(Rpmbuild.SRPM_BUILD_ROOT);
        return FileChannel.open(Rpmbuild.SRPM_BUILD_ROOT.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
    }

    /** Copies with mode 0644: rpmbuild records each file's mode in the SRPM, so it must not depend on the input's. */
    private static void copy(Path src, Path target) {
        try {
            Files.copy(src, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Specs.readable(target);
        } catch (IOException e) {
            throw KrunpackException.external("cannot stage " + src + ": " + e.getMessage(), e);
        }
    }
}
