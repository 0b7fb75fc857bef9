package org.krunpack.cli;

import org.krunpack.pipeline.Workspace;
import org.krunpack.project.PackagingConfig;
import org.krunpack.project.Project;
import org.krunpack.packaging.RpmSources;
import org.krunpack.packaging.Srpms;
import org.krunpack.core.KrunpackException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code krunpack srpm [PACKAGE...]}: rpmbuild -bs of the generated specs. */
@Command(name = "srpm", mixinStandardHelpOptions = true,
        description = {"Build source RPMs of the generated specs with rpmbuild -bs, reproducibly",
                "(SOURCE_DATE_EPOCH from krunpack.yaml). Sources come from --source-dir and are checked",
                "against the model's SHA-512. SRPMs go to <out>/srpm/."})
public final class SrpmCommand extends BaseCommand {
    @Parameters(paramLabel = "PACKAGE", arity = "0..*", description = "Packages to build (default: all).")
    List<String> packages = List.of();

    @Option(names = "--source-dir", paramLabel = "DIR",
            description = "Folder holding the Source files (default: <out>/rpm-sources).")
    Path sourceDir;

    @Option(names = "--stand-in",
            description = "Write small STAND-IN tarballs for missing sources (trial SRPMs, never for release).")
    boolean standIn;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "Build the package of this spec (NAME.spec: the package NAME of the model).")
    Path specFile;

    @Option(names = "--outdir", paramLabel = "DIR",
            description = "Write the SRPMs here (default: <out>/srpm/); COPR's make_srpm passes its outdir.")
    Path srpmDir;

    @Option(names = "--fetch", description = "First bring the missing sources into --source-dir (as 'krunpack"
            + " rpm-sources --fetch': download, make the crate vendor tarball).")
    boolean fetch;

    @Option(names = "--mirror", paramLabel = "URL", description = "With --fetch: fetch https://HOST/PATH from"
            + " URL/HOST/PATH (default: env " + RpmSources.MIRROR_ENV + ").")
    java.net.URI mirror;

    @Override
    public Integer call() {
        Project project = project();
        PackagingConfig cfg = org.krunpack.packaging.ProjectPackaging.config(project);
        Path src = sourceDir != null ? sourceDir : outDir.resolve("rpm-sources");
        List<String> selected = packages;
        if (specFile != null) {
            String file = specFile.getFileName().toString();
            if (!file.endsWith(".spec")) {
                throw KrunpackException.usage("--spec " + specFile + ": expected a file named NAME.spec");
            }
            selected = new java.util.ArrayList<>(packages);
            selected.add(file.substring(0, file.length() - ".spec".length()));
        }
        List<org.krunpack.core.StepResult> results = new java.util.ArrayList<>();
        if (fetch) {
            results.add(RpmSources.run(cfg, new RpmSources.Request(selected, src, true,
                    RpmSourcesCommand.mirror(mirror), project.sourceDateEpoch(), java.util.Map.of()), log()));
        }
        results.add(Srpms.build(cfg, new Srpms.Request(selected, src,
                srpmDir != null ? srpmDir : Workspace.layout(outDir).srpmDir(), project.sourceDateEpoch(), standIn)));
        return report(results);
    }
}
