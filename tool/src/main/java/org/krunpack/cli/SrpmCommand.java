package org.krunpack.cli;

import org.krunpack.project.Project;
import org.krunpack.srpm.PackagingConfig;
import org.krunpack.srpm.Srpms;
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
            description = "Folder holding the Source files (default: <out>/sources).")
    Path sourceDir;

    @Option(names = "--stand-in",
            description = "Write small STAND-IN tarballs for missing sources (trial SRPMs, never for release).")
    boolean standIn;

    @Override
    public Integer call() {
        Project project = project();
        PackagingConfig cfg = PackagingConfig.from(project);
        Path src = sourceDir != null ? sourceDir : outDir.resolve("sources");
        return report(Srpms.build(cfg, new Srpms.Request(packages, src, outDir.resolve("srpm"),
                project.sourceDateEpoch(), standIn)));
    }
}
