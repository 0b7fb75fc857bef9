package org.krunpack.smoke;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel a libkrunfw library hands out through its ABI, exactly as libkrun would get it:
 * {@code dlopen} the library and call {@code krunfw_get_kernel(&load_addr, &entry_addr, &size)}.
 *
 * @param library     the library file
 * @param loadAddr    guest physical address of the payload's first byte
 * @param entryAddr   guest physical entry address (64-bit boot protocol)
 * @param payload     a copy of the payload bytes
 * @param hostAddress the pointer the library returned (libkrun maps it directly as guest RAM)
 * @param abiVersion  {@code krunfw_get_version()}, or -1 when the library does not export it
 * @param problems    ABI rules the library breaks (libkrun would refuse or crash on them)
 */
public record KernelBundle(Path library, long loadAddr, long entryAddr, byte[] payload, long hostAddress,
                           int abiVersion, List<String> problems) {
    private static final long PAGE = 4096;

    public KernelBundle {
        problems = List.copyOf(problems);
    }

    /**
     * Loads {@code library} with {@code dlopen} and copies its kernel out.
     *
     * @throws KrunpackException usage (2) when the file is missing; check failed (1) when it cannot
     *                           be loaded or lacks {@code krunfw_get_kernel}, or hands out no bytes
     */
    public static KernelBundle load(Path library) {
        Path abs = library.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs) && !org.krunpack.core.Inputs.kind(abs).equals("missing")) {
            throw KrunpackException.usage("--lib: " + library + " is " + org.krunpack.core.Inputs.kind(abs)
                    + ", not a regular file; name the libkrunfw library");
        }
        if (!Files.isRegularFile(abs)) {
            throw KrunpackException.usage("library " + library + " does not exist: build it first"
                    + " (krunpack build) or name one with --lib FILE");
        }
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance(abs.toString());
        } catch (UnsatisfiedLinkError e) {
            throw KrunpackException.checkFailed("cannot dlopen " + abs + ": " + e.getMessage());
        }
        try {
            Function getKernel;
            try {
                getKernel = lib.getFunction("krunfw_get_kernel");
            } catch (UnsatisfiedLinkError e) {
                throw KrunpackException.checkFailed(abs + " does not export krunfw_get_kernel:"
                        + " not a libkrunfw library");
            }
            int sizeT = Native.SIZE_T_SIZE;
            try (Memory out = new Memory(3L * sizeT)) {
                out.clear();
                Pointer p = getKernel.invokePointer(new Object[] {out.share(0), out.share(sizeT),
                        out.share(2L * sizeT)});
                long load = readSizeT(out, 0, sizeT);
                long entry = readSizeT(out, sizeT, sizeT);
                long size = readSizeT(out, 2L * sizeT, sizeT);
                if (p == null || size <= 0) {
                    throw KrunpackException.checkFailed(abs + ": krunfw_get_kernel returned "
                            + (p == null ? "NULL" : "size " + size) + ": no kernel to boot");
                }
                if (size > Integer.MAX_VALUE - 16) {
                    throw KrunpackException.checkFailed(abs + ": krunfw_get_kernel claims " + size
                            + " bytes: too large for a kernel");
                }
                long host = Pointer.nativeValue(p);
                List<String> problems = new ArrayList<>();
                if (host % PAGE != 0) {
                    problems.add(String.format("the kernel pointer 0x%x is not page-aligned: libkrun"
                            + " refuses it (align the array to 65536)", host));
                }
                if (load % PAGE != 0) {
                    problems.add(String.format("load_addr 0x%x is not page-aligned: libkrun panics on it",
                            load));
                }
                if (entry < load || entry >= load + size) {
                    problems.add(String.format("entry_addr 0x%x lies outside the payload [0x%x, 0x%x)",
                            entry, load, load + size));
                }
                writable(host, size).ifPresent(problems::add);
                byte[] bytes = p.getByteArray(0, (int) size);
                int version = -1;
                try {
                    version = lib.getFunction("krunfw_get_version").invokeInt(new Object[0]);
                } catch (UnsatisfiedLinkError e) {
                    // optional: libkrun never calls it
                }
                return new KernelBundle(abs, load, entry, bytes, host, version, problems);
            }
        } finally {
            lib.close();
        }
    }

    /**
     * libkrun hands the array to KVM as guest RAM and the guest writes to its own kernel pages: it
     * must lie in writable memory ({@code .data}). Reads this process's {@code /proc/self/maps};
     * empty when the range is writable or the maps cannot be read.
     */
    static java.util.Optional<String> writable(long host, long size) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return java.util.Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                String[] f = line.split("\\s+");
                String[] range = f[0].split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                if (Long.compareUnsigned(host + size, start) <= 0 || Long.compareUnsigned(host, end) >= 0) {
                    continue;
                }
                if (f[1].charAt(1) != 'w') {
                    return java.util.Optional.of(String.format("the kernel array at 0x%x is in read-only memory"
                            + " (%s): libkrun maps it as guest RAM and the guest writes to it; put it in .data,"
                            + " not .rodata", host, f[1]));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    private static long readSizeT(Memory m, long offset, int sizeT) {
        return sizeT == 8 ? m.getLong(offset) : Integer.toUnsignedLong(m.getInt(offset));
    }

    public long size() {
        return payload.length;
    }
}
