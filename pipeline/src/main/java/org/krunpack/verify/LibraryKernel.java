package org.krunpack.verify;

import org.krunpack.core.Digests;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ProgramHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel a libkrunfw library hands out through its ABI, as libkrun gets it, without loading
 * the library into krunpack's process: krunpack's probe calls {@code krunfw_get_kernel} inside the
 * {@link Sandbox} and reports the pointer, addresses, size and the SHA-256 of the bytes; the bytes
 * are then read from the file at the address the pointer stands for (the library's memory image
 * as ld.so maps it), and must have that SHA-256. The library's code never runs in the JVM.
 *
 * @param library    the library file
 * @param loadAddr   guest physical address of the payload's first byte
 * @param entryAddr  guest physical entry address
 * @param payload    the payload bytes
 * @param pointer    the pointer the function returned in the probe's process (informational)
 * @param abiVersion {@code krunfw_get_version()}, or -1 when not exported
 * @param problems   ABI rules the library breaks (libkrun would refuse or crash on them)
 * @param how        where the function ran (sandboxed or not)
 */
public record LibraryKernel(Path library, long loadAddr, long entryAddr, byte[] payload, long pointer,
                            int abiVersion, List<String> problems, String how) {
    private static final long PAGE = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public LibraryKernel {
        problems = List.copyOf(problems);
    }

    /**
     * Reads the kernel of {@code library}.
     *
     * @throws KrunpackException usage (2) when the file is missing or no sandbox can run it; check
     *                           failed (1) when it is no loadable libkrunfw or hands out no kernel
     */
    public static LibraryKernel read(Path library, Sandbox sandbox) {
        Path abs = library.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs) && !org.krunpack.core.Inputs.kind(abs).equals("missing")) {
            throw KrunpackException.usage("--lib: " + library + " is " + org.krunpack.core.Inputs.kind(abs)
                    + ", not a regular file; name the libkrunfw library");
        }
        if (!Files.isRegularFile(abs)) {
            throw KrunpackException.usage("library " + library + " does not exist: build it first"
                    + " (krunpack build) or name one with --lib FILE");
        }
        ElfFile elf;
        try {
            elf = ElfFile.read(abs);
        } catch (KrunpackException e) {
            throw KrunpackException.checkFailed("cannot load " + abs + ": " + e.getMessage());
        }
        if (elf.exportedSymbol("krunfw_get_kernel").isEmpty()) {
            throw KrunpackException.checkFailed(abs + " does not export krunfw_get_kernel: not a libkrunfw library");
        }
        int machine = elf.header().machine();
        if (!hostMachine(machine)) {
            throw KrunpackException.usage("cannot call krunfw_get_kernel of a " + Elf.machineName(machine)
                    + " library on this " + System.getProperty("os.arch") + " host");
        }
        if (!sandbox.canRun()) {
            throw KrunpackException.usage("cannot call krunfw_get_kernel of " + abs + ": " + sandbox.whyNot());
        }
        DlopenProbe.Report r = DlopenProbe.run(abs, sandbox, TIMEOUT);
        if (!r.loaded()) {
            throw KrunpackException.checkFailed("cannot load " + abs + ": " + (r.dlopenError() != null
                    ? r.dlopenError() : "ld.so " + r.end()));
        }
        DlopenProbe.Blob k = r.kernel();
        if (k == null || r.crashed()) {
            throw KrunpackException.checkFailed(abs + ": krunfw_get_kernel did not return (" + r.end() + ")");
        }
        if (k.pointer() == 0 || k.size() <= 0) {
            throw KrunpackException.checkFailed(abs + ": krunfw_get_kernel returned "
                    + (k.pointer() == 0 ? "NULL" : "size " + k.size()) + ": no kernel to boot");
        }
        if (k.size() > Integer.MAX_VALUE - 16) {
            throw KrunpackException.checkFailed(abs + ": krunfw_get_kernel claims " + k.size()
                    + " bytes: too large for a kernel");
        }
        long vaddr = k.pointer() - r.bias();
        byte[] bytes;
        ProgramHeader seg;
        try (LoadedImage mem = new LoadedImage(abs, elf)) {
            Optional<ProgramHeader> s = mem.segment(vaddr, k.size());
            Optional<ByteBuffer> b = s.isEmpty() ? Optional.empty() : mem.read(vaddr, (int) k.size());
            if (b.isEmpty() || k.outside()) {
                throw KrunpackException.checkFailed(String.format("%s: krunfw_get_kernel points at 0x%x (file address"
                        + " 0x%x), %d bytes, outside the library's loaded segments", abs, k.pointer(), vaddr, k.size()));
            }
            seg = s.get();
            bytes = new byte[(int) k.size()];
            b.get().get(bytes);
        } catch (IOException e) {
            throw KrunpackException.usage(abs + ": cannot read: " + e.getMessage());
        }
        String sha = Digests.sha256(bytes);
        if (k.sha256().isPresent() && !k.sha256().get().equals(sha)) {
            throw KrunpackException.checkFailed(String.format("%s: the %d bytes krunfw_get_kernel hands out at run time"
                    + " (SHA-256 %s) are not those of the file at 0x%x (%s): the library changes its payload when"
                    + " loaded", abs, k.size(), k.sha256().get(), vaddr, sha));
        }
        List<String> problems = new ArrayList<>();
        if (k.pointer() % PAGE != 0) {
            problems.add(String.format("the kernel pointer 0x%x is not page-aligned: libkrun refuses it"
                    + " (align the array to 65536)", k.pointer()));
        }
        if (k.loadAddr() % PAGE != 0) {
            problems.add(String.format("load_addr 0x%x is not page-aligned: libkrun panics on it", k.loadAddr()));
        }
        if (k.entryAddr() < k.loadAddr() || k.entryAddr() >= k.loadAddr() + k.size()) {
            problems.add(String.format("entry_addr 0x%x lies outside the payload [0x%x, 0x%x)",
                    k.entryAddr(), k.loadAddr(), k.loadAddr() + k.size()));
        }
        if (!seg.writable()) {
            String section = elf.sectionContaining(vaddr, k.size()).map(h -> " (" + h.name() + ")").orElse("");
            problems.add(String.format("the kernel array at 0x%x is in read-only memory%s: libkrun maps it as guest"
                    + " RAM and the guest writes to it; put it in .data, not .rodata", vaddr, section));
        }
        String how = r.raw().sandboxed() ? "called in krunpack's probe in the sandbox (bubblewrap)"
                : "called in krunpack's probe, unsandboxed (--trust-inputs)";
        return new LibraryKernel(abs, k.loadAddr(), k.entryAddr(), bytes, k.pointer(),
                r.version() == null ? -1 : r.version(), problems, how);
    }

    private static boolean hostMachine(int machine) {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> machine == Elf.EM_X86_64;
            case "aarch64" -> machine == Elf.EM_AARCH64;
            case "riscv64" -> machine == Elf.EM_RISCV;
            default -> false;
        };
    }
}
