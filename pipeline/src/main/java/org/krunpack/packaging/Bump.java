package org.krunpack.packaging;

import org.krunpack.core.UnifiedDiff;
import org.krunpack.project.PackagingConfig;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.krunpack.core.Artifact;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.specgen.Macros;
import org.krunpack.specgen.ModelException;
import org.krunpack.specgen.ModelValidator;
import org.krunpack.specgen.CratesFile;
import org.krunpack.specgen.ModelWriter;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.PackagingModel;
import org.krunpack.specgen.ProjectFacts;
import org.krunpack.specgen.RpmGrammar;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code krunpack bump PACKAGE VERSION}: a new upstream version in the model (version, kernel, Source
 * digests when the files are at hand, release reset to 1, a Fedora changelog entry), then the specs
 * and sources files regenerated. The model and every output are rendered in memory first and written
 * only when all of them are valid. Bumping to the version the model already has only refreshes the
 * digests (no changelog entry, release kept).
 */
public final class Bump {
    private Bump() {
    }

    /**
     * @param pkg       package name in the model
     * @param version   new upstream version
     * @param kernel    libkrunfw only: the bundled kernel's version, or null (then read from the release
     *                  tarball's Makefile when at hand)
     * @param sourceDir where the new source files are, or null
     * @param date      the changelog date
     * @param packager  {@code Full Name <email>}
     */
    public record Request(String pkg, String version, String kernel, Path sourceDir, LocalDate date, String packager) {
    }

    /** Applies the bump to a model in memory (no files read but the sources in sourceDir). */
    public static PackagingModel apply(PackagingModel model, Request r) {
        return apply(model, r, false);
    }

    /**
     * @param kernelFromProject the model's kernel is the project file's (a rebase may differ from the
     *                          release's KERNEL_VERSION): keep it, do not read the release tarball's
     */
    static PackagingModel apply(PackagingModel model, Request r, boolean kernelFromProject) {
        Problems problems = new Problems("bump " + r.pkg() + " " + r.version());
        PackageModel old = model.find(r.pkg()).orElse(null);
        if (old == null) {
            problems.add("PACKAGE", "'" + r.pkg() + "' is not in the model (known: " + model.names() + ")");
            problems.throwIfAny();
        }
        RpmGrammar.checkVersion(r.version()).ifPresent(m -> problems.add("VERSION", "'" + r.version() + "' " + m));
        if (r.kernel() != null) {
            if (old.kernel().isEmpty()) {
                problems.add("--kernel", r.pkg() + " bundles no kernel (only libkrunfw does)");
            }
            RpmGrammar.checkVersion(r.kernel()).ifPresent(m -> problems.add("--kernel", "'" + r.kernel() + "' " + m));
        }
        if (r.sourceDir() != null && !Files.isDirectory(r.sourceDir())) {
            problems.add("--source-dir", r.sourceDir() + " is not a directory");
        }
        problems.throwIfAny();

        String kernel = old.kernel();
        if (!old.kernel().isEmpty()) {
            Optional<String> fromTarball = kernelFromProject ? Optional.empty() : kernelFromRelease(old, r);
            if (fromTarball.isPresent() && r.kernel() != null && !fromTarball.get().equals(r.kernel())) {
                throw KrunpackException.usage("--kernel " + r.kernel() + " disagrees with the release tarball: its"
                        + " Makefile says KERNEL_VERSION = linux-" + fromTarball.get() + " (drop --kernel or fix it)");
            }
            if (r.kernel() != null) {
                kernel = r.kernel();
            } else if (fromTarball.isPresent()) {
                kernel = fromTarball.get();
            } else if (!r.version().equals(old.version())) {
                throw KrunpackException.usage(r.pkg() + " bundles a kernel: pass --kernel X.Y.Z, or --source-dir"
                        + " with the release tarball so its Makefile can say");
            }
        }
        if (r.version().equals(old.version()) && !kernel.equals(old.kernel())) {
            throw KrunpackException.usage(r.pkg() + " " + r.version() + " already bundles kernel " + old.kernel()
                    + ": a different kernel (" + kernel + ") comes with a new " + r.pkg() + " version");
        }
        // the version last packaged is the newest changelog entry's: with the project file as the
        // source of the version, the model already holds the new one when bump runs
        boolean newRelease = !r.version().equals(packagedVersion(old));
        PackageModel draft = old.withRelease(r.version(), kernel, old.release(), old.sources(), old.changelog());
        List<PackageModel.Source> sources = new ArrayList<>();
        for (PackageModel.Source s : old.sources()) {
            String file = Macros.sourceFileName(draft, s);
            Path at = r.sourceDir() == null ? null : r.sourceDir().resolve(file);
            String sha = at != null && Files.isRegularFile(at) ? Digests.sha512(at)
                    : newRelease ? "" : s.sha512();
            sources.add(new PackageModel.Source(s.url(), sha, s.comment()));
        }
        List<PackageModel.ChangelogEntry> log = new ArrayList<>(old.changelog());
        String release = old.release();
        if (newRelease && !old.autorelease()) {
            release = "1";
            String text = "Update to " + r.version() + (kernel.isEmpty() ? "" : " which bundles a " + kernel + " kernel");
            log.add(0, new PackageModel.ChangelogEntry(r.date().toString(), r.packager(), r.version() + "-1",
                    List.of(text)));
        }
        PackageModel bumped = old.withRelease(r.version(), kernel, release, sources, log);
        PackagingModel out = model.with(r.pkg(), p -> bumped);
        List<String> bad = ModelValidator.validate(out);
        if (!bad.isEmpty()) {
            throw new KrunpackException(ExitCode.USAGE, new ModelException("bumped model", bad).getMessage(), bad, null);
        }
        return out;
    }

    /** The version of the newest changelog entry (the one last packaged), else the model's. */
    static String packagedVersion(PackageModel p) {
        if (p.autorelease() || p.changelog().isEmpty()) {
            return p.version();
        }
        String evr = p.changelog().get(0).evr();
        evr = evr.substring(evr.indexOf(':') + 1);
        int dash = evr.lastIndexOf('-');
        return dash < 0 ? evr : evr.substring(0, dash);
    }

    /** Bumps the model file, then regenerates specs and sources files. */
    public static PackagingResult run(PackagingConfig cfg, Request r) {
        PackagingModel before = Specs.readModel(cfg);
        ProjectFacts facts = ProjectFacts.of(cfg.facts(), r.pkg());
        if (facts != null) {
            // the project file is the one source of these values: bump records them, never changes them
            Problems p = new Problems("bump " + r.pkg() + " " + r.version());
            if (!facts.version().equals(r.version())) {
                p.add("VERSION", "'" + r.version() + "' disagrees with " + facts.file() + " "
                        + ProjectFacts.projectKey("version") + " '" + facts.version() + "': set the new version (with"
                        + " the release sources and their digests) in " + facts.file() + " first, then bump");
            }
            if (r.kernel() != null && !facts.kernel().isEmpty() && !facts.kernel().equals(r.kernel())) {
                p.add("--kernel", "'" + r.kernel() + "' disagrees with " + facts.file() + " "
                        + ProjectFacts.projectKey("kernel") + " '" + facts.kernel() + "': change it there");
            }
            p.throwIfAny();
        }
        PackagingModel after = facts == null ? apply(before, r)
                : apply(before, new Request(r.pkg(), r.version(), null, r.sourceDir(), r.date(), r.packager()), true);
        CratesFile crates = regeneratedCrates(cfg, before.get(r.pkg()), after.get(r.pkg()), r);
        if (crates != null) {
            PackageModel n0 = after.get(r.pkg());
            after = after.with(r.pkg(), p -> n0.withCrates(n0.cratesFile(), crates.crates(), crates.modelBuildRequires()));
        }
        String yaml = ModelWriter.write(after, cfg.facts());
        Map<String, String> files = Specs.render(cfg, after);
        if (crates != null) {
            AtomicFiles.writeString(cratesPath(cfg, after.get(r.pkg())), crates.render());
        }
        String oldSpec = Specs.readOrNull(cfg.specDir().resolve(r.pkg() + ".spec"));
        AtomicFiles.writeString(cfg.model(), yaml);
        PackagingResult written = Specs.write(cfg, files, "bump");
        PackageModel o = before.get(r.pkg());
        PackageModel n = after.get(r.pkg());
        List<String> summary = new ArrayList<>();
        boolean same = o.version().equals(n.version()) && o.kernel().equals(n.kernel());
        summary.add(same ? r.pkg() + ": already at " + n.version() + (n.kernel().isEmpty() ? "" : " (kernel " + n.kernel()
                + ")") + ": source digests refreshed only"
                : r.pkg() + ": " + o.version() + "-" + o.release() + " -> " + n.version() + "-" + n.release()
                + (n.kernel().isEmpty() ? "" : " (kernel " + o.kernel() + " -> " + n.kernel() + ")"));
        List<String> missing = new ArrayList<>();
        for (PackageModel.Source s : n.sources()) {
            if (s.sha512().isEmpty()) {
                missing.add(Macros.sourceFileName(n, s));
            }
        }
        if (!missing.isEmpty()) {
            summary.add("no SHA-512 yet (marked FIXME in " + r.pkg() + ".sources): " + String.join(", ", missing)
                    + "; put them in a folder and run again with --source-dir DIR");
        }
        summary.addAll(written.summary());
        List<Artifact> artifacts = new ArrayList<>();
        artifacts.add(new Artifact("model", cfg.model()));
        artifacts.addAll(written.artifacts());
        Map<String, Object> details = new LinkedHashMap<>(written.details());
        details.put("package", r.pkg());
        details.put("from", o.version());
        details.put("to", n.version());
        details.put("kernel", n.kernel());
        details.put("missingDigests", missing);
        details.put("specDiff", UnifiedDiff.diff("a/" + r.pkg() + ".spec", oldSpec == null ? "" : oldSpec,
                "b/" + r.pkg() + ".spec", files.get(r.pkg() + ".spec"), 3));
        return new PackagingResult("bump", true, artifacts, summary, details);
    }

    private static Path cratesPath(PackagingConfig cfg, PackageModel p) {
        return cfg.model().toAbsolutePath().getParent().resolve(p.cratesFile()).normalize();
    }

    /**
     * A package with a generated crates file gets it regenerated from the new release (Source0 in
     * --source-dir), so the model and its crates never disagree; without that tarball the bump is
     * refused before anything is written. Null when there is nothing to regenerate.
     */
    private static CratesFile regeneratedCrates(PackagingConfig cfg, PackageModel o, PackageModel n, Request r) {
        if (n.cratesFile().isEmpty() || o.version().equals(n.version())) {
            return null;
        }
        Path tarball = r.sourceDir() == null || n.sources().isEmpty() ? null
                : r.sourceDir().resolve(Macros.sourceFileName(n, n.sources().get(0)));
        if (tarball == null || !Files.isRegularFile(tarball)) {
            String want = n.sources().isEmpty() ? "the release tarball" : Macros.sourceFileName(n, n.sources().get(0));
            throw KrunpackException.usage("bump " + r.pkg() + " " + r.version() + ": packages." + r.pkg()
                    + ".cratesFile (" + n.cratesFile() + ") is generated from the release: give --source-dir DIR"
                    + " holding " + want + " so its crates are regenerated with the version (nothing was written)");
        }
        return SpecCrates.generate(n, tarball, null, SpecCrates.previous(cratesPath(cfg, n)),
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** libkrunfw: KERNEL_VERSION from the release tarball's Makefile, when the tarball is in sourceDir. */
    static Optional<String> kernelFromRelease(PackageModel old, Request r) {
        if (r.sourceDir() == null || old.sources().isEmpty()) {
            return Optional.empty();
        }
        PackageModel draft = old.withRelease(r.version(), old.kernel(), old.release(), old.sources(), old.changelog());
        Path tarball = r.sourceDir().resolve(Macros.sourceFileName(draft, old.sources().get(0)));
        if (!Files.isRegularFile(tarball)) {
            return Optional.empty();
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball));
             InputStream un = CompressorStreamFactory.getSingleton().createCompressorInputStream(raw);
             TarArchiveInputStream tar = new TarArchiveInputStream(un)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String[] parts = e.getName().split("/");
                if (e.isFile() && parts.length == 2 && parts[1].equals("Makefile")) {
                    String makefile = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    return Optional.of(KernelVersion.fromKrunfwMakefile(makefile, tarball + "!" + e.getName()));
                }
            }
        } catch (IOException e) {
            throw KrunpackException.usage(tarball + ": cannot read as a compressed tarball: " + e.getMessage());
        }
        throw KrunpackException.usage(tarball + ": no top-level Makefile (is this a libkrunfw release tarball?)");
    }
}
