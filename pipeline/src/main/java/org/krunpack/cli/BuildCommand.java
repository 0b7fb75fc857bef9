package org.krunpack.cli;

import org.krunpack.pipeline.Stage;
import org.krunpack.smoke.Accelerator;
import picocli.CommandLine.Command;

/** {@code krunpack build}: sources → tree → patches → config → kernel → bundle → verify-lib. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build libkrunfw: fetch and verify sources, extract and patch the kernel (atomically),",
                "merge and verify the kernel config, build the kernel reproducibly, bundle it into",
                "libkrunfw.so and verify the library. Stops at the first failing step."})
public final class BuildCommand extends SpineCommand {
    @Override
    public Integer call() {
        return runSpine(Stage.BUILD, Accelerator.Mode.auto, null);
    }
}
