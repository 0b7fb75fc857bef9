package org.krunpack.review;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;
import org.krunpack.core.Tools;
import org.krunpack.rpm.RpmPackage;
import org.krunpack.rpm.RpmPayload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code krunpack review}: a Fedora package review of spec files, SRPMs and binary RPMs, with the
 * one-kernel exemption checked on libkrunfw's packages.
 */
public final class Review {
    /**
     * What review runs with.
     *
     * @param rpmlint the rpmlint to run (or one without executable: reported as not evaluated)
     * @param bundle the bundle-contract check (verify-lib), or null: reported as not evaluated
     * @param rpmspec run rpmspec when it is on the PATH
     */
    public record Options(Rpmlint rpmlint, BundleContractCheck bundle, boolean rpmspec) {
        public static Options defaults(BundleContractCheck bundle) {
            return new Options(Rpmlint.fromPath(), bundle, true);
        }
    }

    private Review() {
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
        problems.throwIfAny();

        Licenses licenses = Licenses.fedora();
        RpmSpecTool rpmspec = options.rpmspec() ? RpmSpecTool.fromPath() : new RpmSpecTool(Optional.empty());
        List<Finding> findings = new ArrayList<>();
        List<String> reviewed = new ArrayList<>();
        Path work;
        try {
            work = Files.createTempDirectory("krunpack-review-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path config = Rpmlint.writeConfig(work, licenses);
            Map<Path, RpmPackage> packages = new LinkedHashMap<>();
            for (Path r : rpms) {
                packages.put(r, RpmPackage.read(r));
            }
            Map<Path, String> lintPrefixes = new LinkedHashMap<>();
            specs.forEach(s -> lintPrefixes.put(s, s.getFileName().toString()));
            packages.forEach((r, p) -> lintPrefixes.put(r, p.name() + "." + (p.source() ? "src" : p.arch())));
            Map<Path, Rpmlint.Run> lint = options.rpmlint().runAll(config, lintPrefixes);
            Set<String> specNames = new HashSet<>();
            for (Path s : specs) {
                specNames.add(s.getFileName().toString());
                reviewed.add(s.toString());
                findings.addAll(reviewSpec(s, s.getFileName().toString(), licenses, rpmspec));
                findings.add(lintFinding(lint.get(s), s.getFileName().toString()));
                findings.add(lintWarnings(lint.get(s), s.getFileName().toString()));
            }
            for (Path r : rpms) {
                RpmPackage pkg = packages.get(r);
                String subject = r.getFileName().toString();
                reviewed.add(r.toString());
                findings.addAll(new PackageChecks(pkg, licenses, options.bundle()).run());
                findings.add(lintFinding(lint.get(r), subject));
                findings.add(lintWarnings(lint.get(r), subject));
                if (pkg.source()) {
                    Optional<Path> embedded = extractSpec(pkg, work);
                    if (embedded.isPresent() && !specNames.contains(embedded.get().getFileName().toString())) {
                        findings.addAll(reviewSpec(embedded.get(), subject + ":" + embedded.get().getFileName(),
                                licenses, rpmspec));
                    }
                }
            }
        } finally {
            AtomicFiles.deleteTree(work);
        }
        return new ReviewReport(reviewed, findings);
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

    private static List<Finding> reviewSpec(Path s, String subject, Licenses licenses, RpmSpecTool rpmspec) {
        SpecFile spec = SpecFile.read(s);
        List<Finding> out = new ArrayList<>();
        Optional<String> license = Optional.empty();
        if (!rpmspec.available()) {
            out.add(Finding.notEvaluated(Rule.SPEC_PARSES, subject, "rpmspec is not on the PATH (install rpm-build)"));
        } else {
            Tools.Result r = rpmspec.parse(s);
            if (r.ok()) {
                out.add(Finding.pass(Rule.SPEC_PARSES, subject, "rpmspec -P parses it", List.of()));
                license = rpmspec.license(s);
            } else {
                out.add(Finding.fail(Rule.SPEC_PARSES, subject, "rpmspec -P failed",
                        List.of(r.stderr().strip().split("\n"))));
            }
        }
        out.addAll(new SpecChecks(spec, subject, licenses, license).run());
        return out;
    }

    static Finding lintFinding(Rpmlint.Run run, String subject) {
        if (!run.ran()) {
            return Finding.notEvaluated(Rule.RPMLINT, subject, run.why());
        }
        List<String> errors = run.messages().stream().filter(m -> m.severity().equals("E")).map(Rpmlint.Message::text).toList();
        return errors.isEmpty() ? Finding.pass(Rule.RPMLINT, subject, "no rpmlint errors ("
                + run.messages().size() + " warnings)", List.of())
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

    private static Optional<Path> extractSpec(RpmPackage pkg, Path work) {
        Path dir = work.resolve("srpm-" + pkg.file().getFileName());
        List<Path> found = new ArrayList<>();
        RpmPayload.forEach(pkg, (path, mode, size, in) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.endsWith(".spec") && path.replaceFirst("^/", "").indexOf('/') < 0 && name.matches("[A-Za-z0-9._+-]+")) {
                Files.createDirectories(dir);
                Path target = dir.resolve(name);
                Files.write(target, in.readAllBytes());
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
