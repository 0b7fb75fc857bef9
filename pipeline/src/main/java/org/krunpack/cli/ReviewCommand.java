package org.krunpack.cli;

import org.krunpack.core.ExitCode;
import org.krunpack.review.BundleContractCheck;
import org.krunpack.review.Review;
import org.krunpack.review.ReviewReport;
import picocli.CommandLine.Command;
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

    /** The bundle-contract check: verify-lib's ELF checks and dlopen calls on the packaged library. */
    static BundleContractCheck bundleContract = BundleContractCheck.verifyLib(org.krunpack.core.Sandbox.forInputs(false));

    @Override
    public Integer call() {
        ReviewReport report = Review.run(paths, Review.Options.defaults(bundleContract));
        if (json()) {
            return report(report);
        }
        spec.commandLine().getOut().print(report.render());
        spec.commandLine().getOut().flush();
        return report.ok() ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }
}
