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
@Command(name = "review",
        description = {"Review spec files, SRPMs and binary RPMs (or directories of them) against Fedora's"
                + " packaging guidelines, rpmlint and libkrunfw's one-kernel exemption.",
                "Exits 1 when a MUST item fails."})
public final class ReviewCommand extends BaseCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Spec files, SRPMs, binary RPMs or directories holding them.")
    List<Path> paths;

    /**
     * The bundle-contract check (verify-lib). Null until the lead wires {@code org.krunpack.verify}
     * here; while null, krun.bundle-contract is reported as not evaluated ([?]), never as a pass.
     */
    static BundleContractCheck bundleContract = null;

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
