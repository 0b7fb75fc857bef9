package org.krunpack.cli;

import org.krunpack.core.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The krunpack command line: a thin face over the library API (one facade per stage). */
@Command(name = "krunpack",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Package the krun stack (libkrunfw, libkrun, crun-krun) for Fedora.",
        subcommands = {
                ConfigCommand.class,
                PatchesCommand.class,
                BuildCommand.class,
                BundleCommand.class,
                VerifyLibCommand.class,
                SmokeCommand.class,
                PipelineCommand.class,
                SpecCommand.class,
                BumpCommand.class,
                SrpmCommand.class,
                ReviewCommand.class,
                CoprCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  ok",
                "  1  a check failed (patch hunk, dropped option, review MUST, smoke probe, ...)",
                "  2  usage or configuration error (fix the named file, field or option)",
                "  3  an external tool or service failed (make, gcc, rpmbuild, qemu, COPR, network)",
                "  4  unexpected error in krunpack: please report it"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("krunpack: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        return cl;
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"krunpack " + (v == null ? "dev" : v)};
        }
    }
}
