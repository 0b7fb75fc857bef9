package org.krunpack.verify;

import org.krunpack.elf.DynamicEntry;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ProgramHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What ld.so reads from a shared object before any of its code runs, checked statically: the
 * segments it maps, the dynamic section, the tables the dynamic section points to (strings,
 * symbols, hash tables, relocations, symbol versions). ld.so trusts these; a value pointing outside
 * the mapped image makes it read or write wild memory (SIGSEGV) or trip its own assertions. A file
 * with any problem here is never loaded. The checks follow the System V gABI and glibc's loader.
 */
final class LoaderSafety {
    static final long DT_PLTRELSZ = 2;
    static final long DT_HASH = 4;
    static final long DT_SYMTAB = 6;
    static final long DT_RELA = 7;
    static final long DT_RELASZ = 8;
    static final long DT_RELAENT = 9;
    static final long DT_SYMENT = 11;
    static final long DT_INIT = 12;
    static final long DT_FINI = 13;
    static final long DT_REL = 17;
    static final long DT_RELSZ = 18;
    static final long DT_PLTREL = 20;
    static final long DT_TEXTREL = 22;
    static final long DT_JMPREL = 23;
    static final long DT_INIT_ARRAY = 25;
    static final long DT_FINI_ARRAY = 26;
    static final long DT_INIT_ARRAYSZ = 27;
    static final long DT_FINI_ARRAYSZ = 28;
    static final long DT_FLAGS = 30;
    static final long DT_RELR = 36;
    static final long DT_RELRSZ = 35;
    static final long DT_GNU_HASH = 0x6ffffef5L;
    static final long DT_VERSYM = 0x6ffffff0L;
    static final long DT_VERDEF = 0x6ffffffcL;
    static final long DT_VERDEFNUM = 0x6ffffffdL;
    static final long DT_VERNEED = 0x6ffffffeL;
    static final long DT_VERNEEDNUM = 0x6fffffffL;
    static final long DT_RELACOUNT = 0x6ffffff9L;
    private static final long DF_TEXTREL = 0x4;
    private static final int MAX_ENTRIES = 1 << 22;

    private final ElfFile elf;
    private final LoadedImage image;
    private final List<String> problems = new ArrayList<>();
    private final Map<Long, Long> dyn = new HashMap<>();
    /** Target address of each RELATIVE relocation, with its addend (the value ld.so stores there). */
    private final Map<Long, Long> relative = new HashMap<>();

    private LoaderSafety(ElfFile elf, LoadedImage image) {
        this.elf = elf;
        this.image = image;
    }

    /** Every problem found (empty: ld.so can map and relocate it without reading outside the image). */
    static List<String> check(ElfFile elf, LoadedImage image) throws IOException {
        LoaderSafety s = new LoaderSafety(elf, image);
        s.run();
        return s.problems;
    }

    private void bad(String what) {
        if (problems.size() < 20) {
            problems.add(what);
        }
    }

    private void run() throws IOException {
        if (elf.header().phentsize() != 56) {
            bad("e_phentsize is " + elf.header().phentsize() + ", ld.so requires 56");
        }
        List<ProgramHeader> loads = elf.loadSegments();
        if (loads.isEmpty()) {
            bad("no PT_LOAD segment: nothing to map");
            return;
        }
        long prevEnd = 0;
        for (int i = 0; i < loads.size(); i++) {
            ProgramHeader p = loads.get(i);
            if (p.align() > 1 && Long.bitCount(p.align()) != 1) {
                bad("PT_LOAD " + i + " has p_align " + hex(p.align()) + ", not a power of two");
            }
            if (Long.compareUnsigned(p.memsz(), 1L << 32) > 0 || Long.compareUnsigned(p.vaddr(), 1L << 47) > 0) {
                bad("PT_LOAD " + i + " at " + hex(p.vaddr()) + " with p_memsz " + hex(p.memsz())
                        + " is not a mapping a shared library can have");
                continue;
            }
            if (i > 0 && Long.compareUnsigned(p.vaddr(), prevEnd) < 0) {
                bad("PT_LOAD " + i + " at " + hex(p.vaddr()) + " overlaps or precedes the previous one (ends "
                        + hex(prevEnd) + "): ld.so maps them in ascending order");
            }
            prevEnd = p.vaddr() + p.memsz();
        }
        Optional<ProgramHeader> dynamic = elf.programHeaders().stream().filter(p -> p.type() == Elf.PT_DYNAMIC)
                .findFirst();
        if (dynamic.isEmpty()) {
            bad("no PT_DYNAMIC: not a dynamic shared object");
            return;
        }
        if (!image.inFile(dynamic.get().vaddr(), dynamic.get().filesz())) {
            bad("PT_DYNAMIC at " + hex(dynamic.get().vaddr()) + " (" + dynamic.get().filesz() + " bytes) is not inside"
                    + " the file contents of a PT_LOAD segment: ld.so reads it from the mapped image");
            return;
        }
        for (DynamicEntry d : elf.dynamic()) {
            dyn.putIfAbsent(d.tag(), d.value());
        }
        boolean textrel = dyn.containsKey(DT_TEXTREL) || (dyn.getOrDefault(DT_FLAGS, 0L) & DF_TEXTREL) != 0;
        for (long[] t : new long[][] {{Elf.DT_STRTAB, Elf.DT_STRSZ}, {DT_SYMTAB, -1}, {DT_HASH, -1},
                {DT_GNU_HASH, -1}, {DT_RELA, DT_RELASZ}, {DT_REL, DT_RELSZ}, {DT_JMPREL, DT_PLTRELSZ},
                {DT_INIT_ARRAY, DT_INIT_ARRAYSZ}, {DT_FINI_ARRAY, DT_FINI_ARRAYSZ}, {DT_RELR, DT_RELRSZ},
                {DT_VERSYM, -1}, {DT_VERDEF, -1}, {DT_VERNEED, -1}, {DT_INIT, -1}, {DT_FINI, -1}}) {
            Long addr = dyn.get(t[0]);
            if (addr == null) {
                continue;
            }
            long size = t[1] < 0 ? 1 : dyn.getOrDefault(t[1], 0L);
            if (image.segment(addr, Math.max(size, 1)).isEmpty()) {
                bad("dynamic entry " + tagName(t[0]) + " = " + hex(addr) + (t[1] < 0 ? "" : " (+" + hex(size) + ")")
                        + " points outside the mapped image");
            }
        }
        if (!dyn.containsKey(Elf.DT_STRTAB) || !dyn.containsKey(DT_SYMTAB)) {
            bad("the dynamic section lacks DT_STRTAB or DT_SYMTAB: ld.so cannot look up a symbol");
        }
        if (!dyn.containsKey(DT_HASH) && !dyn.containsKey(DT_GNU_HASH)) {
            bad("the dynamic section has neither DT_HASH nor DT_GNU_HASH: dlsym cannot find a symbol");
        }
        if (dyn.containsKey(DT_SYMENT) && dyn.get(DT_SYMENT) != 24) {
            bad("DT_SYMENT is " + dyn.get(DT_SYMENT) + ", expected 24");
        }
        if (dyn.containsKey(DT_RELAENT) && dyn.get(DT_RELAENT) != 24) {
            bad("DT_RELAENT is " + dyn.get(DT_RELAENT) + ", expected 24");
        }
        if (dyn.containsKey(DT_PLTREL) && dyn.get(DT_PLTREL) != DT_RELA && dyn.get(DT_PLTREL) != DT_REL) {
            bad("DT_PLTREL is " + dyn.get(DT_PLTREL) + ", neither DT_RELA nor DT_REL");
        }
        if (!problems.isEmpty()) {
            return;
        }
        long symbols = symbolCount();
        if (symbols < 0) {
            return;
        }
        relocations(DT_RELA, DT_RELASZ, symbols, textrel);
        if (dyn.containsKey(DT_JMPREL)) {
            relocations(DT_JMPREL, DT_PLTRELSZ, symbols, textrel);
        }
        if (problems.isEmpty()) {
            initCode();
        }
        if (dyn.containsKey(DT_REL)) {
            bad("DT_REL relocations (without addends) are not used on x86_64, aarch64 or riscv64");
        }
        versions(symbols);
    }

    /** The number of dynamic symbols the hash tables describe (-1 after a problem). */
    private long symbolCount() throws IOException {
        long count = -1;
        if (dyn.containsKey(DT_HASH)) {
            long h = dyn.get(DT_HASH);
            Optional<ByteBuffer> head = image.read(h, 8);
            if (head.isEmpty()) {
                bad("DT_HASH at " + hex(h) + " is not mapped");
                return -1;
            }
            long nbucket = Integer.toUnsignedLong(head.get().getInt(0));
            long nchain = Integer.toUnsignedLong(head.get().getInt(4));
            if (nbucket == 0 || nbucket > MAX_ENTRIES || nchain > MAX_ENTRIES
                    || image.segment(h, 8 + 4 * (nbucket + nchain)).isEmpty()) {
                bad("DT_HASH at " + hex(h) + ": nbucket " + nbucket + ", nchain " + nchain
                        + " do not fit in the mapped image");
                return -1;
            }
            ByteBuffer t = image.read(h + 8, (int) (4 * (nbucket + nchain))).orElseThrow();
            for (int i = 0; i < nbucket + nchain; i++) {
                if (Integer.toUnsignedLong(t.getInt(4 * i)) >= nchain && i < nbucket + nchain) {
                    bad("DT_HASH at " + hex(h) + ": entry " + i + " names symbol " + Integer.toUnsignedLong(t.getInt(4 * i))
                            + ", beyond the " + nchain + " symbols");
                    return -1;
                }
            }
            count = nchain;
        }
        if (dyn.containsKey(DT_GNU_HASH)) {
            long g = dyn.get(DT_GNU_HASH);
            Optional<ByteBuffer> head = image.read(g, 16);
            if (head.isEmpty()) {
                bad("DT_GNU_HASH at " + hex(g) + " is not mapped");
                return -1;
            }
            long nbuckets = Integer.toUnsignedLong(head.get().getInt(0));
            long symoffset = Integer.toUnsignedLong(head.get().getInt(4));
            long bloom = Integer.toUnsignedLong(head.get().getInt(8));
            if (nbuckets == 0 || nbuckets > MAX_ENTRIES || bloom == 0 || bloom > MAX_ENTRIES
                    || Long.bitCount(bloom) != 1 || symoffset > MAX_ENTRIES) {
                bad("DT_GNU_HASH at " + hex(g) + ": nbuckets " + nbuckets + ", symoffset " + symoffset
                        + ", bloom size " + bloom + " (must be a power of two): ld.so asserts or reads wild memory");
                return -1;
            }
            long buckets = g + 16 + 8 * bloom;
            Optional<ByteBuffer> b = image.read(buckets, (int) (4 * nbuckets));
            if (b.isEmpty()) {
                bad("DT_GNU_HASH at " + hex(g) + ": its " + nbuckets + " buckets run outside the mapped image");
                return -1;
            }
            long max = -1;
            for (int i = 0; i < nbuckets; i++) {
                long s = Integer.toUnsignedLong(b.get().getInt(4 * i));
                if (s != 0 && s < symoffset) {
                    bad("DT_GNU_HASH bucket " + i + " names symbol " + s + ", below symoffset " + symoffset);
                    return -1;
                }
                if (s != 0) {
                    max = Math.max(max, s);
                }
            }
            long chains = buckets + 4 * nbuckets;
            long n = symoffset;
            if (max >= 0) {
                for (long i = max - symoffset; ; i++) {
                    Optional<ByteBuffer> c = image.read(chains + 4 * i, 4);
                    if (c.isEmpty() || i > MAX_ENTRIES) {
                        bad("DT_GNU_HASH chain " + i + " runs outside the mapped image");
                        return -1;
                    }
                    n = symoffset + i + 1;
                    if ((c.get().getInt(0) & 1) != 0) {
                        break;
                    }
                }
            }
            count = Math.max(count, n);
        }
        if (count < 0) {
            return -1;
        }
        long symtab = dyn.get(DT_SYMTAB);
        if (image.segment(symtab, Math.max(24 * count, 1)).isEmpty()) {
            bad("DT_SYMTAB at " + hex(symtab) + " with " + count + " symbols runs outside the mapped image");
            return -1;
        }
        long strtab = dyn.get(Elf.DT_STRTAB);
        long strsz = dyn.getOrDefault(Elf.DT_STRSZ, 0L);
        for (long i = 0; i < count; i++) {
            ByteBuffer s = image.read(symtab + 24 * i, 24).orElseThrow();
            long name = Integer.toUnsignedLong(s.getInt(0));
            if (name >= strsz && !(i == 0 && name == 0)) {
                bad("dynamic symbol " + i + " names string " + name + ", beyond DT_STRSZ " + strsz);
                return -1;
            }
            int shndx = s.getShort(6) & 0xffff;
            long value = s.getLong(8);
            if (shndx != Elf.SHN_UNDEF && shndx != Elf.SHN_ABS && shndx < Elf.SHN_LORESERVE && value != 0
                    && image.segment(value, 1).isEmpty()) {
                bad("dynamic symbol " + i + " is defined at " + hex(value) + ", outside the mapped image");
            }
        }
        return problems.isEmpty() ? count : -1;
    }

    private void relocations(long tableTag, long sizeTag, long symbols, boolean textrel) throws IOException {
        Long table = dyn.get(tableTag);
        if (table == null) {
            return;
        }
        long size = dyn.getOrDefault(sizeTag, 0L);
        if (size % 24 != 0 || size / 24 > MAX_ENTRIES) {
            bad(tagName(sizeTag) + " " + size + " is not a whole number of 24-byte relocations");
            return;
        }
        long relativeCount = tableTag == DT_RELA ? dyn.getOrDefault(DT_RELACOUNT, 0L) : 0;
        if (Long.compareUnsigned(relativeCount, size / 24) > 0) {
            bad("DT_RELACOUNT " + relativeCount + " exceeds the " + size / 24 + " relocations in DT_RELA");
            return;
        }
        int relativeType = relativeType();
        for (long i = 0; i < size / 24; i++) {
            Optional<ByteBuffer> r = image.read(table + 24 * i, 24);
            if (r.isEmpty()) {
                bad(tagName(tableTag) + " relocation " + i + " lies outside the mapped image");
                return;
            }
            long offset = r.get().getLong(0);
            long info = r.get().getLong(8);
            long sym = info >>> 32;
            Optional<ProgramHeader> target = image.segment(offset, 8);
            if (target.isEmpty()) {
                bad(tagName(tableTag) + " relocation " + i + " writes to " + hex(offset) + ", outside the mapped image");
                return;
            }
            if (!target.get().writable() && !textrel) {
                bad(tagName(tableTag) + " relocation " + i + " writes to " + hex(offset) + " in a read-only segment"
                        + " (no DT_TEXTREL)");
                return;
            }
            if (sym >= symbols) {
                bad(tagName(tableTag) + " relocation " + i + " names symbol " + sym + ", beyond the " + symbols
                        + " dynamic symbols");
                return;
            }
            int type = (int) (info & 0xffffffffL);
            if (i < relativeCount && type != relativeType) {
                bad(tagName(tableTag) + " relocation " + i + " has type " + type + ", but DT_RELACOUNT says the first "
                        + relativeCount + " are RELATIVE (" + relativeType + "): ld.so asserts");
                return;
            }
            if (type == relativeType) {
                relative.put(offset, r.get().getLong(16));
            }
        }
    }

    /** R_X86_64_RELATIVE, R_AARCH64_RELATIVE or R_RISCV_RELATIVE for the file's machine. */
    private int relativeType() {
        return switch (elf.header().machine()) {
            case Elf.EM_AARCH64 -> 1027;
            case Elf.EM_RISCV -> 3;
            default -> 8;
        };
    }

    private boolean executable(long vaddr) {
        return image.segment(vaddr, 1).map(p -> (p.flags() & Elf.PF_X) != 0).orElse(false);
    }

    /**
     * ld.so calls DT_INIT and every DT_INIT_ARRAY entry when it loads the file (DT_FINI and
     * DT_FINI_ARRAY when it unloads it): each must be code of the file.
     */
    private void initCode() {
        for (long t : new long[] {DT_INIT, DT_FINI}) {
            if (dyn.containsKey(t) && !executable(dyn.get(t))) {
                bad(tagName(t) + " " + hex(dyn.get(t)) + " is not in an executable segment: ld.so would call it");
            }
        }
        for (long[] t : new long[][] {{DT_INIT_ARRAY, DT_INIT_ARRAYSZ}, {DT_FINI_ARRAY, DT_FINI_ARRAYSZ}}) {
            if (!dyn.containsKey(t[0])) {
                continue;
            }
            long size = dyn.getOrDefault(t[1], 0L);
            if (size % 8 != 0 || size > 8L * 4096) {
                bad(tagName(t[1]) + " " + size + " is not a plausible array of 8-byte pointers");
                continue;
            }
            for (long j = 0; j < size / 8; j++) {
                Long target = relative.get(dyn.get(t[0]) + 8 * j);
                if (target == null || !executable(target)) {
                    bad(tagName(t[0]) + " entry " + j + (target == null ? " is not relocated to the file's code"
                            : " points to " + hex(target) + ", not code") + ": ld.so would call it");
                }
            }
        }
    }

    /** DT_VERSYM/DT_VERNEED/DT_VERDEF: ld.so walks these lists by their own offsets. */
    private void versions(long symbols) throws IOException {
        if (dyn.containsKey(DT_VERSYM) && image.segment(dyn.get(DT_VERSYM), Math.max(2 * symbols, 1)).isEmpty()) {
            bad("DT_VERSYM at " + hex(dyn.get(DT_VERSYM)) + " with " + symbols + " entries runs outside the image");
        }
        long strsz = dyn.getOrDefault(Elf.DT_STRSZ, 0L);
        walk(DT_VERNEED, DT_VERNEEDNUM, 16, 8, 12, 4, strsz, true);
        walk(DT_VERDEF, DT_VERDEFNUM, 20, 12, 16, 6, strsz, false);
    }

    /**
     * Walks a version list: each record of {@code recordSize} bytes has a count of auxiliary
     * entries (u16 at {@code countAt}), the offset to them ({@code auxAt}) and to the next record
     * ({@code nextAt}).
     */
    private void walk(long tag, long numTag, int recordSize, int auxAt, int nextAt, int countAt, long strsz,
                      boolean need) throws IOException {
        Long start = dyn.get(tag);
        if (start == null) {
            return;
        }
        long num = dyn.getOrDefault(numTag, 0L);
        if (num > 4096) {
            bad(tagName(numTag) + " " + num + " is implausible");
            return;
        }
        long at = start;
        for (long i = 0; i < num; i++) {
            Optional<ByteBuffer> r = image.read(at, recordSize);
            if (r.isEmpty()) {
                bad(tagName(tag) + " record " + i + " at " + hex(at) + " lies outside the mapped image");
                return;
            }
            int cnt = r.get().getShort(countAt) & 0xffff;
            long aux = at + Integer.toUnsignedLong(r.get().getInt(auxAt));
            if (need && Integer.toUnsignedLong(r.get().getInt(4)) >= strsz) {
                bad(tagName(tag) + " record " + i + " names string " + Integer.toUnsignedLong(r.get().getInt(4))
                        + ", beyond DT_STRSZ " + strsz);
                return;
            }
            for (int j = 0; j < cnt; j++) {
                Optional<ByteBuffer> a = image.read(aux, need ? 16 : 8);
                if (a.isEmpty()) {
                    bad(tagName(tag) + " record " + i + " entry " + j + " at " + hex(aux)
                            + " lies outside the mapped image");
                    return;
                }
                long name = Integer.toUnsignedLong(a.get().getInt(need ? 8 : 0));
                if (name >= strsz) {
                    bad(tagName(tag) + " record " + i + " entry " + j + " names string " + name + ", beyond DT_STRSZ "
                            + strsz);
                    return;
                }
                long next = Integer.toUnsignedLong(a.get().getInt(need ? 12 : 4));
                if (next == 0) {
                    break;
                }
                aux += next;
            }
            long next = Integer.toUnsignedLong(r.get().getInt(nextAt));
            if (next == 0) {
                if (i + 1 < num) {
                    bad(tagName(tag) + " ends after " + (i + 1) + " records, " + tagName(numTag) + " says " + num);
                }
                return;
            }
            at += next;
        }
    }

    static String tagName(long tag) {
        if (tag == Elf.DT_STRTAB) {
            return "DT_STRTAB";
        }
        if (tag == Elf.DT_STRSZ) {
            return "DT_STRSZ";
        }
        Map<Long, String> names = Map.ofEntries(Map.entry(DT_PLTRELSZ, "DT_PLTRELSZ"), Map.entry(DT_HASH, "DT_HASH"),
                Map.entry(DT_SYMTAB, "DT_SYMTAB"), Map.entry(DT_RELA, "DT_RELA"), Map.entry(DT_RELASZ, "DT_RELASZ"),
                Map.entry(DT_INIT, "DT_INIT"), Map.entry(DT_FINI, "DT_FINI"), Map.entry(DT_REL, "DT_REL"),
                Map.entry(DT_RELSZ, "DT_RELSZ"), Map.entry(DT_JMPREL, "DT_JMPREL"),
                Map.entry(DT_INIT_ARRAY, "DT_INIT_ARRAY"), Map.entry(DT_FINI_ARRAY, "DT_FINI_ARRAY"),
                Map.entry(DT_INIT_ARRAYSZ, "DT_INIT_ARRAYSZ"), Map.entry(DT_FINI_ARRAYSZ, "DT_FINI_ARRAYSZ"),
                Map.entry(DT_RELR, "DT_RELR"), Map.entry(DT_RELRSZ, "DT_RELRSZ"), Map.entry(DT_GNU_HASH, "DT_GNU_HASH"),
                Map.entry(DT_VERSYM, "DT_VERSYM"), Map.entry(DT_VERDEF, "DT_VERDEF"),
                Map.entry(DT_VERDEFNUM, "DT_VERDEFNUM"), Map.entry(DT_VERNEED, "DT_VERNEED"),
                Map.entry(DT_VERNEEDNUM, "DT_VERNEEDNUM"), Map.entry(DT_RELACOUNT, "DT_RELACOUNT"));
        return names.getOrDefault(tag, "tag " + hex(tag));
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
