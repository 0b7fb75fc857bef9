package org.krunpack.cli;

import org.krunpack.pipeline.Commands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code krunpack patches check|apply|export|import}: the patch series on the prepared tree. */
@Command(name = "patches", mixinStandardHelpOptions = true,
        description = {"Work on the patch series (the release's patches with the project's decisions, then ours)"
                + " on the kernel tree krunpack prepared, without extracting it again.",
                "check and apply report every patch, file and hunk; the failed hunks are kept in"
                        + " <out>/patches/rejects. export and import are the rebase workflow on git."},
        subcommands = {PatchesCommand.Check.class, PatchesCommand.Apply.class, PatchesCommand.Export.class,
                PatchesCommand.Import.class})
public final class PatchesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: check, apply, export or import");
    }

    /** {@code patches check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check the whole series against the tree's pristine content and report every patch,"
                    + " file and hunk; the tree is not changed. Exit 1 when a patch does not apply."})
    public static final class Check extends RunCommand {
        @Override
        public Integer call() {
            return runSteps(Commands.patchesCheck(), options());
        }
    }

    /** {@code patches apply}. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Apply the series to the tree, all or nothing, after taking off a series an earlier run"
                    + " applied. Exit 1 (the tree left pristine) when a patch does not apply."})
    public static final class Apply extends RunCommand {
        @Override
        public Integer call() {
            return runSteps(Commands.patchesApply(), options());
        }
    }

    /** {@code patches export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Make a git repository holding the pristine files the series touches (tag krunpack/base)"
                    + " and apply the series on it with git am, one commit per patch. git am stops at a patch that"
                    + " does not apply, with its rejected hunks in .rej files: refresh it there, git add, git am"
                    + " --continue; rework the series with git rebase -i or git mergetool as you like; then run"
                    + " 'krunpack patches import'."})
    public static final class Export extends RunCommand {
        @Option(names = "--repo", paramLabel = "DIR", description = "The repository to create (default:"
                + " <out>/patches/git; replaced when it exists).")
        Path repo;

        @Override
        public Integer call() {
            return runSteps(Commands.patchesExport(repo), options());
        }
    }

    /** {@code patches import}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Turn the commits of the exported repository back into patch files (git format-patch),"
                    + " each keeping its original header plus a line saying it was refreshed, and print the"
                    + " replace decisions to add to the project file."})
    public static final class Import extends RunCommand {
        @Option(names = "--repo", paramLabel = "DIR", description = "The exported repository (default:"
                + " <out>/patches/git).")
        Path repo;

        @Option(names = "--to", paramLabel = "DIR", description = "Where the patches go (default:"
                + " <out>/patches/refreshed; for the project, e.g. patches/release-6.12.117).")
        Path to;

        @Override
        public Integer call() {
            return runSteps(Commands.patchesImport(repo, to), options());
        }
    }
}
