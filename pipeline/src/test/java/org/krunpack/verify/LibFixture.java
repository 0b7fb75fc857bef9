package org.krunpack.verify;

import org.krunpack.testing.Gcc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds libkrunfw-like libraries with gcc, good and broken, to check verify-lib against libraries
 * it did not make: upstream's way (one C string literal) or an assembler array.
 */
final class LibFixture {
    enum Style { C_LITERAL, ASM }

    Style style = Style.C_LITERAL;
    String fileName = "libkrunfw.so.5.5.0";
    String soname = "libkrunfw.so.5";
    boolean readOnly;
    boolean misaligned;
    boolean withVersion = true;
    int version = 5;
    byte[] payload;
    long load = 0x1000000L;
    long entry = 0x1000000L;
    /** C code appended to the library (a constructor, helpers). */
    String extra = "";
    /** What krunfw_get_kernel returns. */
    String kernelReturn = "(char *)&KERNEL_BUNDLE[0]";

    LibFixture(byte[] payload) {
        this.payload = payload;
    }

    Path build(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder c = new StringBuilder("#include <stddef.h>\n");
        if (style == Style.C_LITERAL) {
            c.append(readOnly ? "const " : "").append("char KERNEL_BUNDLE[] __attribute__((aligned(65536))) =\n\"");
            for (int i = 0; i < payload.length; i++) {
                c.append(String.format("\\x%02x", payload[i] & 0xff));
                if (i % 64 == 63) {
                    c.append("\"\n\"");
                }
            }
            c.append("\";\n");
        } else {
            Files.write(dir.resolve("payload.bin"), payload);
            StringBuilder s = new StringBuilder();
            s.append("\t.section .note.GNU-stack,\"\",%progbits\n");
            s.append(readOnly ? "\t.section .rodata\n" : "\t.data\n");
            s.append("\t.balign 65536\n");
            if (misaligned) {
                s.append("\t.skip 4096\n");
            }
            s.append("\t.globl KERNEL_BUNDLE\n\t.type KERNEL_BUNDLE, %object\n\t.size KERNEL_BUNDLE, ")
                    .append(payload.length).append("\nKERNEL_BUNDLE:\n\t.incbin \"payload.bin\"\n");
            Gcc.write(dir.resolve("bundle.s"), s.toString());
            c.append("extern char KERNEL_BUNDLE[];\n");
        }
        c.append("char *krunfw_get_kernel(size_t *load_addr, size_t *entry_addr, size_t *size)\n{\n")
                .append(String.format("\t*load_addr = 0x%xUL;\n\t*entry_addr = 0x%xUL;\n\t*size = %dUL;\n", load, entry,
                        payload.length))
                .append("\treturn ").append(kernelReturn).append(";\n}\n");
        if (withVersion) {
            c.append("int krunfw_get_version(void)\n{\n\treturn ").append(version).append(";\n}\n");
        }
        c.append(extra);
        Gcc.write(dir.resolve("bundle.c"), c.toString());
        return style == Style.C_LITERAL
                ? Gcc.sharedLibrary(dir, fileName, soname, "bundle.c")
                : Gcc.sharedLibrary(dir, fileName, soname, "bundle.c", "bundle.s");
    }
}
