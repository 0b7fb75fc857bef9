package org.krunpack.elf;

/** One ELF64 program header (a segment), in file order. */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz,
                            long memsz, long align) {

    public boolean isLoad() {
        return type == Elf.PT_LOAD;
    }

    public boolean writable() {
        return (flags & Elf.PF_W) != 0;
    }

    /** True when {@code [addr, addr+len)} lies inside this segment's memory image. */
    public boolean containsVaddr(long addr, long len) {
        return Long.compareUnsigned(addr, vaddr) >= 0
                && Long.compareUnsigned(addr - vaddr, memsz) <= 0
                && Long.compareUnsigned(len, memsz - (addr - vaddr)) <= 0;
    }
}
