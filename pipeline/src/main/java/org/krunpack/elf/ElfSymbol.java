package org.krunpack.elf;

/** A dynamic symbol ({@code .dynsym}). */
public record ElfSymbol(String name, long value, long size, int sectionIndex, int binding, int type) {

    /** Defined in this file (not undefined), global or weak. */
    public boolean exported() {
        return sectionIndex != Elf.SHN_UNDEF && (binding == Elf.STB_GLOBAL || binding == Elf.STB_WEAK);
    }

    public boolean isFunction() {
        return type == Elf.STT_FUNC;
    }

    public boolean isObject() {
        return type == Elf.STT_OBJECT;
    }
}
