package org.krunpack.verify;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.project.Arch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The kernel a library hands out through {@code krunfw_get_kernel}, read by krunpack's probe in the
 * sandbox (under QEMU's user emulation for a foreign arch) and written to a file: how the smoke
 * test gets a foreign library's payload without loading the library anywhere but in the sandbox.
 *
 * @param kernel     the file holding the payload bytes
 * @param loadAddr   load address the library returned
 * @param entryAddr  entry address the library returned
 * @param abiVersion {@code krunfw_get_version()}, or -1 when not exported
 */
public record ProbedPayload(Path kernel, long loadAddr, long entryAddr, int abiVersion) {
    /**
     * Calls the library's getters in the sandbox and keeps the kernel bytes in {@code dir/kernel}.
     *
     * @throws KrunpackException check failed (1) when the library cannot be loaded or hands out no
     *                           readable kernel; external (3) when a tool is missing
     */
    public static ProbedPayload read(Path library, Arch arch, Path dir, Duration timeout) {
        Sandbox sandbox = Sandbox.forInputs(false);
        if (!sandbox.canRun()) {
            throw KrunpackException.external("the smoke test reads a " + arch.rpmName() + " library's kernel"
                    + " through krunpack's probe in the sandbox: " + sandbox.whyNot());
        }
        DlopenProbe.Target target = arch == org.krunpack.bundle.Bundler.hostArch() ? DlopenProbe.Target.host()
                : DlopenProbe.Target.foreign(arch);
        DlopenProbe.Report r = DlopenProbe.run(library, sandbox, timeout, target, dir);
        if (!r.loaded() || r.crashed()) {
            throw KrunpackException.checkFailed(library + ": the probe could not load it ("
                    + (r.dlopenError() != null ? r.dlopenError() : r.end()) + ")" + (r.stderr().isBlank() ? ""
                    : ": " + r.stderr()));
        }
        DlopenProbe.Blob k = r.kernel();
        Path kernel = dir.resolve("kernel");
        if (k == null || k.size() <= 0 || k.outside() || !Files.isRegularFile(kernel)) {
            throw KrunpackException.checkFailed(library + ": krunfw_get_kernel handed out no readable kernel"
                    + (k == null ? " (not exported)" : k.outside() ? " (the bytes lie outside the object)" : ""));
        }
        return new ProbedPayload(kernel, k.loadAddr(), k.entryAddr(), r.version() == null ? -1 : r.version());
    }
}
