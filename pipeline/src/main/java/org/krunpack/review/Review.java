package org.krunpack.review;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.core.Sandbox;
import org.krunpack.rpm.RpmDigests;
import org.krunpack.rpm.RpmFormatException;
import org.krunpack.rpm.RpmPackage;
import org.krunpack.rpm.RpmPayload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code krunpack review}: a Fedora package review of spec files, SRPMs and binary RPMs, with the
 * one-kernel exemption checked on libkrunfw's packages. Everything that runs code from an input
 * (rpmspec and rpmlint on specs and packages, make -n on the upstream Makefile, the dlopen of a
 * packaged library) runs in the {@link Sandbox}; without one those checks are not evaluated unless
 * the inputs are trusted.
 */
public final class Review {
    private static final long MAX_EMBEDDED_SOURCE = 512L << 20;

    /**
     * What review runs with.
     *
     * @param rpmlint the rpmlint to run (or one without executable: reported as not evaluated)
     * @param bundle  the bundle-contract check (verify-lib), or null: reported as not evaluated
     * @param rpmspec run rpmspec when it is on the PATH
     * @param sandbox where code from the inputs runs (see {@link Sandbox#forInputs(boolean)})
     */
    public record Options(Rpmlint rpmlint, BundleContractCheck bundle, boolean rpmspec, Sandbox sandbox) {
        public Options(Rpmlint rpmlint, BundleContractCheck bundle, boolean rpmspec) {
            this(rpmlint, bundle, rpmspec, Sandbox.forInputs(false));
        }

        public static Options defaults(BundleContractCheck bundle) {
            return defaults(bundle, Sandbox.forInputs(false));
        }

        public static Options defaults(BundleContractCheck bundle, Sandbox sandbox) {
            return new Options(Rpmlint.fromPath(), bundle, true, sandbox);
        }
    }

    private final Options options;
    private final Licenses licenses = Licenses.fedora();
    private final RpmSpecTool rpmspec;
    private final Path work;
    private final Path config;
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> reviewed = new ArrayList<>();

    private Review(Options options, Path work) {
        this.options = options;
        this.rpmspec = options.rpmspec() ? RpmSpecTool.fromPath(options.sandbox())
                : new RpmSpecTool(Optional.empty(), options.sandbox());
        this.work = work;
        this.config = Rpmlint.writeConfig(work, licenses);
    }

    /** Reviews every spec, SRPM and RPM named (directories are searched). */
    public static ReviewReport run(List<Path> paths, Options options) {
        List<Path> specs = new ArrayList<>();
        List<Path> rpms = new ArrayList<>();
        Problems problems = new Problems("krunpack review");
        if (paths.isEmpty()) {
            problems.add("PATH", "name at least one spec file, SRPM, RPM or directory");
        }
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).sorted().forEach(f -> classify(f, specs, rpms, null));
                } catch (IOException e) {
                    problems.add(p.toString(), "cannot list directory: " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                classify(p, specs, rpms, problems);
            } else {
                problems.add(p.toString(), "no such file or directory");
            }
        }
        if (problems.isEmpty() && specs.isEmpty() && rpms.isEmpty()) {
            problems.add(String.join(" ", paths.stream().map(Path::toString).toList()),
                    "no *.spec or *.rpm files found");
        }
        Map<Path, RpmPackage> packages = new LinkedHashMap<>();
        Map<Path, String> unreadable = new LinkedHashMap<>();
        for (Path r : rpms) {
            try {
                packages.put(r, RpmPackage.read(r));
            } catch (RpmFormatException e) {
                if (e.getMessage().contains("not an RPM")) {
                    problems.add(r.toString(), e.getMessage());
                } else {
                    unreadable.put(r, e.getMessage());
                }
            }
        }
        problems.throwIfAny();

        Path work;
        try {
            work = Files.createTempDirectory("krunpack-review-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Review review = new Review(options, work);
            Set<String> specNames = new HashSet<>();
            for (Path s : specs) {
                specNames.add(s.getFileName().toString());
                review.spec(s, s.toString(), name -> sourceNextTo(s, name));
            }
            for (Path r : rpms) {
                review.rpm(r, packages.get(r), unreadable.get(r), specNames);
            }
            return new ReviewReport(review.reviewed, review.findings);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private static void classify(Path f, List<Path> specs, List<Path> rpms, Problems problems) {
        String n = f.getFileName().toString();
        if (n.endsWith(".spec")) {
            specs.add(f);
        } else if (n.endsWith(".rpm")) {
            rpms.add(f);
        } else if (problems != null) {
            problems.add(f.toString(), "not a spec file (*.spec) or an RPM (*.rpm)");
        }
    }

    /** A source file next to a spec (dist-git layout). */
    private static Optional<Path> sourceNextTo(Path spec, String name) {
        Path dir = spec.toAbsolutePath().getParent();
        Path f = dir == null ? null : dir.resolve(name);
        return f != null && Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    private void rpm(Path file, RpmPackage pkg, String unreadable, Set<String> specNames) {
        String subject = file.toString();
        reviewed.add(subject);
        if (pkg == null) {
            findings.add(Finding.fail(Rule.PACKAGE_INTEGRITY, subject, "package is corrupt: it cannot be read; no other"
                    + " check was run on it", List.of(unreadable)));
            return;
        }
        RpmDigests.Result digests = RpmDigests.verify(pkg);
        if (!digests.ok()) {
            String which = digests.checks().isEmpty() ? "it carries no digest to verify"
                    : String.join(", ", digests.bad().stream().map(RpmDigests.Check::name).toList()) + " BAD";
            findings.add(Finding.fail(Rule.PACKAGE_INTEGRITY, subject, "package is corrupt: " + which + "; no other"
                    + " check was run on it", digests.checks().stream().map(RpmDigests.Check::describe).toList()));
            return;
        }
        findings.add(Finding.pass(Rule.PACKAGE_INTEGRITY, subject, "every digest matches (as rpm -K checks them;"
                + " signatures are not checked)", digests.checks().stream().map(RpmDigests.Check::describe).toList()));
        findings.addAll(new PackageChecks(pkg, subject, licenses, options.bundle()).run());
        lint(file, subject);
        if (pkg.source()) {
            Optional<Path> embedded = extractSpec(pkg);
            if (embedded.isPresent() && !specNames.contains(embedded.get().getFileName().toString())) {
                spec(embedded.get(), subject + ":" + embedded.get().getFileName(), name -> extractSource(pkg, name));
            }
        }
    }

    private void lint(Path file, String subject) {
        Rpmlint.Run run = options.rpmlint().run(config, file, options.sandbox());
        findings.add(lintFinding(run, subject));
        findings.add(lintWarnings(run, subject));
    }

    private void spec(Path path, String subject, Function<String, Optional<Path>> sources) {
        reviewed.add(subject);
        SpecFile spec = SpecFile.read(path, subject);
        Optional<String> license = Optional.empty();
        Optional<SpecFile> expanded = Optional.empty();
        Optional<String> why = rpmspec.unavailable();
        if (why.isPresent()) {
            findings.add(Finding.notEvaluated(Rule.SPEC_PARSES, subject, why.get()));
        } else {
            Sandbox.Result r = rpmspec.parse(path);
            if (r.ok()) {
                // what rpmspec said while it parsed (a %(...) that tried to write outside shows here)
                List<String> said = r.stderr().isBlank() ? List.of() : List.of(r.stderr().strip().split("\n"));
                findings.add(Finding.pass(Rule.SPEC_PARSES, subject, "rpmspec -P parses it ("
                        + (r.sandboxed() ? "in the sandbox" : "unsandboxed, --trust-inputs") + ")", said));
                expanded = Optional.of(SpecFile.parse(path, subject + " (expanded)",
                        r.stdout().getBytes(StandardCharsets.UTF_8)));
                license = rpmspec.license(path);
            } else {
                Set<String> missing = RpmSpecTool.missingFedoraMacros(spec);
                List<String> err = r.stderr().isBlank() ? List.of(r.describe()) : List.of(r.stderr().strip().split("\n"));
                if (!missing.isEmpty() && !r.timedOut()) {
                    findings.add(new Finding(Rule.SPEC_PARSES, subject, Verdict.NOT_EVALUATED, "uses macros of Fedora's"
                            + " macro packages that this host's rpm does not define (" + String.join(", ",
                            missing.stream().map(m -> "%" + m).toList()) + "): rpmspec -P on Fedora would expand them",
                            err));
                } else {
                    findings.add(Finding.fail(Rule.SPEC_PARSES, subject, "rpmspec -P failed (" + r.describe() + ")", err));
                }
            }
        }
        SpecChecks.Context ctx = context(spec, expanded, license, sources);
        findings.addAll(new SpecChecks(spec, subject, licenses, ctx).run());
        lint(path, subject);
    }

    private SpecChecks.Context context(SpecFile spec, Optional<SpecFile> expanded, Optional<String> license,
                                       Function<String, Optional<Path>> sources) {
        SpecFile s = expanded.orElse(spec);
        Optional<SpecFile.Tag> source0 = s.sourcesAndPatches().stream()
                .filter(t -> t.name().equals("source0") || t.name().equals("source")).findFirst();
        if (source0.isEmpty()) {
            return new SpecChecks.Context(license, expanded, Optional.empty(), "the spec has no Source0",
                    options.sandbox());
        }
        String value = expanded.isPresent() ? source0.get().value() : spec.expand(source0.get().value());
        String name = SpecChecks.basename(value);
        if (name.contains("%") || !name.matches(".*\\.(tar(\\.(gz|xz|bz2|zst))?|tgz|tbz2)$")) {
            return new SpecChecks.Context(license, expanded, Optional.empty(), "Source0 (" + name + ") is not a"
                    + " tarball krunpack can read", options.sandbox());
        }
        Optional<Path> tarball = sources.apply(name);
        if (tarball.isEmpty()) {
            return new SpecChecks.Context(license, expanded, Optional.empty(), "Source0 " + name + " is not at hand"
                    + " (put it next to the spec, or review the SRPM)", options.sandbox());
        }
        return new SpecChecks.Context(license, expanded, Optional.of(UpstreamSource.of(tarball.get())), "",
                options.sandbox());
    }

    static Finding lintFinding(Rpmlint.Run run, String subject) {
        if (!run.ran()) {
            return Finding.notEvaluated(Rule.RPMLINT, subject, run.why());
        }
        List<String> errors = run.messages().stream().filter(m -> m.severity().equals("E")).map(Rpmlint.Message::text).toList();
        long warnings = run.messages().stream().filter(m -> m.severity().equals("W")).count();
        return errors.isEmpty() ? Finding.pass(Rule.RPMLINT, subject, "no rpmlint errors (" + warnings + " warnings)",
                List.of())
                : Finding.fail(Rule.RPMLINT, subject, errors.size() + " rpmlint errors", errors);
    }

    static Finding lintWarnings(Rpmlint.Run run, String subject) {
        if (!run.ran()) {
            return Finding.notEvaluated(Rule.RPMLINT_WARNINGS, subject, run.why());
        }
        List<String> w = run.messages().stream().filter(m -> m.severity().equals("W")).map(Rpmlint.Message::text).toList();
        return w.isEmpty() ? Finding.pass(Rule.RPMLINT_WARNINGS, subject, "no rpmlint warnings", List.of())
                : new Finding(Rule.RPMLINT_WARNINGS, subject, Verdict.MANUAL, w.size() + " rpmlint warnings to explain", w);
    }

    private Optional<Path> extractSpec(RpmPackage pkg) {
        Path dir = work.resolve("srpm-" + reviewed.size() + "-" + pkg.file().getFileName());
        List<Path> found = new ArrayList<>();
        RpmPayload.forEach(pkg, (path, mode, size, in) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.endsWith(".spec") && path.replaceFirst("^/", "").indexOf('/') < 0 && name.matches("[A-Za-z0-9._+-]+")
                    && size <= 4L << 20) {
                Files.createDirectories(dir);
                Path target = dir.resolve(name);
                Files.write(target, in.readNBytes((int) size));
                found.add(target);
            }
        });
        return found.stream().findFirst();
    }

    /** A source file of the SRPM, written into the work directory. */
    private Optional<Path> extractSource(RpmPackage pkg, String wanted) {
        Path dir = work.resolve("sources-" + reviewed.size());
        List<Path> found = new ArrayList<>();
        RpmPayload.forEach(pkg, (path, mode, size, in) -> {
            String name = path.replaceFirst("^/", "");
            if (found.isEmpty() && name.equals(wanted) && size <= MAX_EMBEDDED_SOURCE) {
                Files.createDirectories(dir);
                Path target = dir.resolve(name);
                Files.copy(in, target);
                found.add(target);
            }
        });
        return found.stream().findFirst();
    }

    /** Throws when {@code report} has a failing MUST (exit 1) — for the pipeline. */
    public static void requireNoMustFailure(ReviewReport report) {
        if (!report.ok()) {
            throw KrunpackException.checkFailed("review: " + report.mustFailures().size() + " MUST item(s) failed: "
                    + String.join(", ", report.mustFailures().stream().map(f -> f.id() + " (" + f.subject() + ")").toList()));
        }
    }
}
