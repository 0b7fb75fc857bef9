package org.krunpack.elf;

/** One ELF64 section header with its name resolved from the section-name string table. */
public record SectionHeader(int index, String name, int type, long flags, long addr, long offset,
                            long size, int link, int info, long addralign, long entsize) {

    public boolean writable() {
        return (flags & Elf.SHF_WRITE) != 0;
    }

    public boolean alloc() {
        return (flags & Elf.SHF_ALLOC) != 0;
    }

    /** True when {@code [addr, addr+len)} lies inside this section's addresses (allocated sections). */
    public boolean containsVaddr(long a, long len) {
        return alloc()
                && Long.compareUnsigned(a, addr) >= 0
                && Long.compareUnsigned(a - addr, size) <= 0
                && Long.compareUnsigned(len, size - (a - addr)) <= 0;
    }
}
