package org.krunpack.cli;

import org.krunpack.packaging.SpecImport;
import org.krunpack.project.PackagingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code krunpack spec import SPEC}: an existing dist-git spec into the packaging model. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read an existing (dist-git) spec into the packaging model's package of the same Name:",
                "its release, changelog history, patches with their comments, build conditions, and the lines",
                "the template does not write (kept verbatim in named slots); then rewrite the model and the specs.",
                "Lines with no place in the model are listed. See docs/specs.md (\"Import\")."})
public final class SpecImportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "SPEC", description = "The spec file to import.")
    Path specFile;

    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "Profile whose template the spec is compared with (default: packaging.profile).")
    String profile;

    @Override
    public Integer call() {
        return report(SpecImport.run(SpecCommand.withProfile(org.krunpack.packaging.ProjectPackaging.config(project()), profile), specFile));
    }
}
