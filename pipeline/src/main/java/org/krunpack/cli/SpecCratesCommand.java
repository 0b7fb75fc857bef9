package org.krunpack.cli;

import org.krunpack.packaging.SpecCrates;
import org.krunpack.project.PackagingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code krunpack spec crates --release TARBALL}: a Rust package's crates file from its release. */
@Command(name = "crates", mixinStandardHelpOptions = true,
        description = {"Generate a Rust package's crates file (its cratesFile in the packaging model) from its",
                "release tarball: crate BuildRequires from the workspace's Cargo.toml files (rust2rpm-style, for",
                "Fedora's crate packages) and every locked crate of Cargo.lock (bundled(crate()) Provides for the",
                "vendored build), with licences from --vendor; then regenerate the specs. Nothing of the release",
                "runs. See docs/specs.md (\"Crates\")."})
public final class SpecCratesCommand extends BaseCommand {
    @Option(names = "--release", required = true, paramLabel = "TARBALL",
            description = "The package's release tarball (its version must be the model's).")
    Path release;

    @Option(names = "--vendor", paramLabel = "TARBALL",
            description = "A tarball made by 'cargo vendor' from that release: the crates' licences are read from it"
                    + " (without it, licences the previous file knew for the same crate and version are kept).")
    Path vendor;

    @Option(names = "--package", paramLabel = "NAME", defaultValue = "libkrun",
            description = "The model's package (default: ${DEFAULT-VALUE}).")
    String packageName;

    @Override
    public Integer call() {
        return report(SpecCrates.run(org.krunpack.packaging.ProjectPackaging.config(project()), packageName, release, vendor));
    }
}
