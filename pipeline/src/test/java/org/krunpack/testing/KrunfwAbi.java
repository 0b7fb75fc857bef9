package org.krunpack.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

import java.nio.file.Path;
import java.util.Map;

/**
 * The libkrunfw C ABI as a consumer declares it, bound with JNA's interface mapping (separate
 * from krunpack's own verify code, so tests check the library independently).
 */
public interface KrunfwAbi extends Library {
    Pointer krunfw_get_kernel(LongByReference loadAddr, LongByReference entryAddr, LongByReference size);

    int krunfw_get_version();

    Pointer krunfw_get_qboot(LongByReference size);

    Pointer krunfw_get_initrd(LongByReference size);

    /** Loads the library by path, RTLD_LAZY | RTLD_LOCAL. */
    static KrunfwAbi load(Path library) {
        return Native.load(library.toAbsolutePath().toString(), KrunfwAbi.class,
                Map.of(Library.OPTION_OPEN_FLAGS, 1));
    }
}
