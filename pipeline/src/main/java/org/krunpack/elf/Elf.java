package org.krunpack.elf;

/** ELF constants we use (values from the System V gABI and glibc's elf.h). */
public final class Elf {
    private Elf() {
    }

    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;

    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_RISCV = 243;

    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_NOTE = 4;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PT_GNU_PROPERTY = 0x6474e553;

    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_HASH = 5;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_GNU_HASH = 0x6ffffff6;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_XINDEX = 0xffff;

    public static final long DT_NULL = 0;
    public static final long DT_NEEDED = 1;
    public static final long DT_HASH = 4;
    public static final long DT_STRTAB = 5;
    public static final long DT_SYMTAB = 6;
    public static final long DT_STRSZ = 10;
    public static final long DT_SYMENT = 11;
    public static final long DT_SONAME = 14;
    public static final long DT_GNU_HASH = 0x6ffffef5L;

    public static final int NT_GNU_BUILD_ID = 3;
    public static final int NT_GNU_PROPERTY_TYPE_0 = 5;
    /** x86_64 property: the object's code supports IBT (bit 0) and shadow stacks (bit 1). */
    public static final int GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
    public static final int GNU_PROPERTY_X86_FEATURE_1_IBT = 1;
    public static final int GNU_PROPERTY_X86_FEATURE_1_SHSTK = 2;
    /** aarch64 property: every indirect branch target is a BTI landing pad (bit 0). */
    public static final int GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;
    public static final int GNU_PROPERTY_AARCH64_FEATURE_1_BTI = 1;
    /** riscv64 e_flags: the double-float ABI (lp64d), which glibc's loader requires to match. */
    public static final int EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;

    /** A readable name for {@code e_machine}. */
    public static String machineName(int machine) {
        return switch (machine) {
            case EM_X86_64 -> "x86_64";
            case EM_AARCH64 -> "aarch64";
            case EM_RISCV -> "riscv64";
            default -> "machine " + machine;
        };
    }

    /** A readable name for {@code e_type}. */
    public static String typeName(int type) {
        return switch (type) {
            case 1 -> "ET_REL";
            case ET_EXEC -> "ET_EXEC";
            case ET_DYN -> "ET_DYN";
            case 4 -> "ET_CORE";
            default -> "type " + type;
        };
    }
}
