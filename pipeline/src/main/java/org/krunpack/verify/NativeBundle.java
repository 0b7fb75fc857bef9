package org.krunpack.verify;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Path;
import java.util.Map;

/**
 * A libkrunfw loaded with {@code dlopen} through JNA, to call its functions for real. The library
 * is opened by absolute path with {@code RTLD_LOCAL}, so its symbols never enter the global
 * namespace and libraries with the same or different SONAMEs loaded from other paths do not
 * interpose on each other; {@link #close()} unloads it.
 */
final class NativeBundle implements AutoCloseable {
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_LOCAL = 0x0;

    /** What a getter returned: the pointer and the values written through its arguments. */
    record Blob(long pointer, long loadAddr, long entryAddr, long size) {
    }

    private final NativeLibrary lib;

    private NativeBundle(NativeLibrary lib) {
        this.lib = lib;
    }

    /** Loads the library; throws {@link UnsatisfiedLinkError} with dlopen's message when it cannot. */
    static NativeBundle open(Path library) {
        String path = library.toAbsolutePath().normalize().toString();
        return new NativeBundle(NativeLibrary.getInstance(path, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_LOCAL)));
    }

    /** The run-time address of an exported function. */
    long address(String function) {
        return Pointer.nativeValue(lib.getFunction(function));
    }

    /** Calls {@code int krunfw_get_version(void)}. */
    int version() {
        return lib.getFunction("krunfw_get_version").invokeInt(new Object[0]);
    }

    /** Calls {@code char *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)}. */
    Blob kernel() {
        try (Memory out = new Memory(3L * Native.SIZE_T_SIZE)) {
            out.clear();
            Function f = lib.getFunction("krunfw_get_kernel");
            Pointer p = (Pointer) f.invoke(Pointer.class, new Object[] {out.share(0),
                    out.share(Native.SIZE_T_SIZE), out.share(2L * Native.SIZE_T_SIZE)});
            return new Blob(Pointer.nativeValue(p), sizeT(out, 0), sizeT(out, 1), sizeT(out, 2));
        }
    }

    /** Calls a {@code char *krunfw_get_qboot(size_t *size)}-style getter. */
    Blob sized(String function) {
        try (Memory out = new Memory(Native.SIZE_T_SIZE)) {
            out.clear();
            Pointer p = (Pointer) lib.getFunction(function).invoke(Pointer.class, new Object[] {out.share(0)});
            return new Blob(Pointer.nativeValue(p), 0, 0, sizeT(out, 0));
        }
    }

    /** Copies {@code len} bytes of the library's memory at {@code address + offset}. */
    static void read(long address, long offset, byte[] dst, int len) {
        new Pointer(address).read(offset, dst, 0, len);
    }

    private static long sizeT(Memory m, int index) {
        return Native.SIZE_T_SIZE == 8 ? m.getLong(8L * index) : Integer.toUnsignedLong(m.getInt(4L * index));
    }

    @Override
    public void close() {
        lib.close();
    }
}
