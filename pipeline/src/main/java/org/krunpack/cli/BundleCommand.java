package org.krunpack.cli;

import org.krunpack.pipeline.Workspace;
import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.BundleResult;
import org.krunpack.bundle.Bundler;
import org.krunpack.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code krunpack bundle}: kernel image → {@code libkrunfw[-variant].so.<version>} and its links. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = {"Bundle a kernel image into libkrunfw[-variant].so.<version> with the links"
                + " .so.<abi> and .so, under <out>/bundle/ (see docs/bundle.md)."})
public final class BundleCommand extends BaseCommand {
    @Option(names = "--image", paramLabel = "FILE",
            description = "Kernel image: vmlinux (x86_64) or the raw Image (aarch64, riscv64)"
                    + " (default: <out>/kernel/vmlinux or <out>/kernel/Image).")
    Path image;

    @Option(names = "--qboot", paramLabel = "FILE", description = "qboot firmware (sev and tdx variants only).")
    Path qboot;

    @Option(names = "--initrd", paramLabel = "FILE", description = "initrd (sev and tdx variants only).")
    Path initrd;

    @Override
    public Integer call() {
        Project project = project();
        Path img = image != null ? image : Workspace.layout(outDir).image(project.arch());
        BundleResult result = Bundler.bundle(BundleRequest.of(project, img, outDir, qboot, initrd));
        return report(result);
    }
}
