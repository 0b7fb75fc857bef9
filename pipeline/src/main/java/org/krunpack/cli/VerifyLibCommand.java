package org.krunpack.cli;

import org.krunpack.pipeline.Workspace;
import org.krunpack.core.Sandbox;
import org.krunpack.verify.LibraryVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code krunpack verify-lib}: checks any libkrunfw against the bundle contract. */
@Command(name = "verify-lib", mixinStandardHelpOptions = true,
        description = {"Check that FILE is a compatible libkrunfw, however it was built: ELF inspection"
                + " (SONAME, exports, writable 64 KiB-aligned payload, what ld.so reads) and, only when those pass, a"
                + " real call of krunfw_get_kernel and krunfw_get_version through dlopen in a sandbox (bubblewrap);"
                + " with --image, compare addresses, size and bytes with the payload derived from the kernel image."
                + " Exit 1 when a check fails (see docs/bundle.md)."})
public final class VerifyLibCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "The library (default: the project's <out>/bundle/libkrunfw[-variant].so.<version>).")
    Path library;

    @Option(names = "--image", paramLabel = "FILE",
            description = "The kernel image it was made from: vmlinux (x86_64) or the raw Image.")
    Path image;

    @Option(names = "--trust-inputs",
            description = "Without a sandbox on this host, load and call the library anyway (in a separate, unsandboxed"
                    + " process). Without this option those checks are reported as not evaluated.")
    boolean trustInputs;

    @Override
    public Integer call() {
        Path lib = library != null ? library : Workspace.layout(outDir).bundleDir().resolve(project().libraryFileName());
        return report(LibraryVerifier.verify(lib, image, Sandbox.forInputs(trustInputs)));
    }
}
