package org.krunpack.cli;

import org.krunpack.pipeline.Commands;
import picocli.CommandLine.Command;

/** {@code krunpack build}: sources → tree → patches → config → patched code → kernel → bundle → verify-lib. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build libkrunfw from the project file's sources.",
                "Checks the sources, extracts the kernel tree (or reuses it), applies the patch series"
                        + " atomically, resolves and verifies the kernel config, compiles the files the patches"
                        + " change, builds the kernel reproducibly, bundles it into libkrunfw.so and verifies the"
                        + " library.",
                "A step whose inputs are unchanged since its last successful run is skipped; the first failing"
                        + " step stops the run."})
public final class BuildCommand extends RunCommand {
    @Override
    public Integer call() {
        return runSteps(Commands.build(), options());
    }
}
