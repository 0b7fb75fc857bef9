package org.krunpack.elf;

/**
 * The ELF64 file header. Numbers are as stored (unsigned 64-bit values in a {@code long}); the
 * section count and string-table index are already resolved for extended numbering.
 */
public record ElfHeader(int type, int machine, long entry, long phoff, long shoff, int flags,
                        int phentsize, int phnum, int shentsize, int shnum, int shstrndx) {
}
