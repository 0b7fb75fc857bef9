package org.krunpack.smoke;

import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.verify.LibraryKernel;

import java.nio.file.Path;
import java.util.List;

/**
 * The kernel a libkrunfw library hands out through its ABI, exactly as libkrun would get it:
 * {@code krunfw_get_kernel(&load_addr, &entry_addr, &size)}, called by krunpack's probe inside the
 * sandbox, never in krunpack's process ({@link LibraryKernel}).
 *
 * @param library     the library file
 * @param loadAddr    guest physical address of the payload's first byte
 * @param entryAddr   guest physical entry address (64-bit boot protocol)
 * @param payload     a copy of the payload bytes
 * @param hostAddress the pointer the library returned in the probe (libkrun maps it directly as guest RAM)
 * @param abiVersion  {@code krunfw_get_version()}, or -1 when the library does not export it
 * @param problems    ABI rules the library breaks (libkrun would refuse or crash on them)
 */
public record KernelBundle(Path library, long loadAddr, long entryAddr, byte[] payload, long hostAddress,
                           int abiVersion, List<String> problems) {
    public KernelBundle {
        problems = List.copyOf(problems);
    }

    /**
     * Calls the library's {@code krunfw_get_kernel} in the sandbox and copies its kernel out.
     *
     * @throws KrunpackException usage (2) when the file is missing or no sandbox is available; check
     *                           failed (1) when it cannot be loaded or lacks {@code krunfw_get_kernel},
     *                           or hands out no bytes
     */
    public static KernelBundle load(Path library) {
        return load(library, Sandbox.forInputs(false));
    }

    public static KernelBundle load(Path library, Sandbox sandbox) {
        LibraryKernel k = LibraryKernel.read(library, sandbox);
        return new KernelBundle(k.library(), k.loadAddr(), k.entryAddr(), k.payload(), k.pointer(), k.abiVersion(),
                k.problems());
    }

    public long size() {
        return payload.length;
    }
}
