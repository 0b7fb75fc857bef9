package org.krunpack.cli;

import org.krunpack.core.ExitCode;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Sandbox;
import org.krunpack.review.BundleContractCheck;
import org.krunpack.review.Review;
import org.krunpack.review.ReviewReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code krunpack review PATH...}: a Fedora package review of specs, SRPMs and RPMs. */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = {"Review spec files, SRPMs and binary RPMs (or directories of them) against Fedora's"
                + " packaging guidelines, rpmlint and libkrunfw's one-kernel exemption.",
                "Exits 1 when a MUST item fails."})
public final class ReviewCommand extends BaseCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Spec files, SRPMs, binary RPMs or directories holding them.")
    List<Path> paths;

    @Option(names = "--trust-inputs",
            description = "Without a sandbox on this host, run the reviewed inputs' code anyway (rpmspec and rpmlint"
                    + " on specs and packages, make -n on the upstream Makefile, the dlopen of a packaged library), as"
                    + " separate unsandboxed processes. Without this option those checks are not evaluated.")
    boolean trustInputs;

    @Override
    public Integer call() {
        Sandbox sandbox = Sandbox.forInputs(trustInputs);
        if (!sandbox.isolated()) {
            log().println("krunpack review: " + sandbox.whyNot());
        }
        ReviewReport report = Review.run(paths, Review.Options.defaults(BundleContractCheck.verifyLib(sandbox), sandbox));
        if (json()) {
            return report(report);
        }
        spec.commandLine().getOut().print(report.render());
        spec.commandLine().getOut().flush();
        return report.ok() ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }
}
