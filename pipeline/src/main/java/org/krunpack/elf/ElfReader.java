package org.krunpack.elf;

import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Parses ELF64 little-endian headers from a file or a byte array, bounds-checking every read. */
final class ElfReader {
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int DYN_SIZE = 16;
    /** No real file has more; a corrupt count must not make us allocate gigabytes. */
    private static final int MAX_TABLE_ENTRIES = 1 << 20;
    private static final int MAX_STRING = 1 << 16;

    /** Random access to the file's bytes. */
    private interface Source {
        long size();

        /** Exactly {@code len} bytes at {@code off}; the caller has checked the range. */
        ByteBuffer read(long off, int len) throws IOException;
    }

    private final String name;
    private final Source src;

    private ElfReader(String name, Source src) {
        this.name = name;
        this.src = src;
    }

    static ElfFile read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Source s = new Source() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public ByteBuffer read(long off, int len) throws IOException {
                    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
                    while (b.hasRemaining()) {
                        if (ch.read(b, off + b.position()) < 0) {
                            throw new IOException("unexpected end of file at offset " + (off + b.position()));
                        }
                    }
                    return b.flip();
                }
            };
            return new ElfReader(file.toString(), s).parse();
        } catch (NoSuchFileException e) {
            throw KrunpackException.usage(file + ": file not found");
        } catch (IOException e) {
            throw KrunpackException.usage(file + ": cannot read: " + e.getMessage());
        }
    }

    static ElfFile parse(String name, byte[] bytes) {
        Source s = new Source() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public ByteBuffer read(long off, int len) {
                return ByteBuffer.wrap(bytes, (int) off, len).slice().order(ByteOrder.LITTLE_ENDIAN);
            }
        };
        try {
            return new ElfReader(name, s).parse();
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    private KrunpackException bad(String what) {
        return KrunpackException.usage(name + ": not a valid ELF64 little-endian file: " + what);
    }

    /** Reads {@code len} bytes at {@code off} after checking that they lie inside the file. */
    private ByteBuffer bytes(long off, long len, String what) throws IOException {
        if (off < 0 || len < 0 || len > Integer.MAX_VALUE || off > src.size() - len) {
            throw bad(what + " (offset " + hex(off) + ", " + Long.toUnsignedString(len) + " bytes) lies outside"
                    + " the file (" + src.size() + " bytes); the file is truncated or corrupt");
        }
        return src.read(off, (int) len);
    }

    private void checkRange(long off, long len, String what) {
        if (off < 0 || len < 0 || off > src.size() - len) {
            throw bad(what + " (offset " + hex(off) + ", " + Long.toUnsignedString(len) + " bytes) lies outside"
                    + " the file (" + src.size() + " bytes); the file is truncated or corrupt");
        }
    }

    private long tableBytes(long count, int entsize, String what) {
        if (count > MAX_TABLE_ENTRIES) {
            throw bad(what + " has " + count + " entries, more than " + MAX_TABLE_ENTRIES);
        }
        return count * entsize;
    }

    private ElfFile parse() throws IOException {
        if (src.size() < EHDR_SIZE) {
            if (src.size() >= 4) {
                byte[] magic = new byte[4];
                src.read(0, 4).get(magic);
                if (!ElfFile.hasElfMagic(magic)) {
                    throw bad("no ELF magic (7f 45 4c 46) at the start");
                }
            }
            throw bad("only " + src.size() + " bytes, shorter than the 64-byte ELF64 header");
        }
        ByteBuffer eh = src.read(0, EHDR_SIZE);
        byte[] ident = new byte[16];
        eh.get(0, ident);
        if (!ElfFile.hasElfMagic(ident)) {
            throw bad("no ELF magic (7f 45 4c 46) at the start");
        }
        if (ident[4] != 2) {
            throw bad("EI_CLASS is " + ident[4] + ", expected 2 (64-bit)");
        }
        if (ident[5] != 1) {
            throw bad("EI_DATA is " + ident[5] + ", expected 1 (little-endian)");
        }
        if (ident[6] != 1) {
            throw bad("EI_VERSION is " + ident[6] + ", expected 1");
        }
        int type = u16(eh, 16);
        int machine = u16(eh, 18);
        long entry = eh.getLong(24);
        long phoff = eh.getLong(32);
        long shoff = eh.getLong(40);
        int flags = eh.getInt(48);
        int phentsize = u16(eh, 54);
        int phnum = u16(eh, 56);
        int shentsize = u16(eh, 58);
        int shnum = u16(eh, 60);
        int shstrndx = u16(eh, 62);

        List<ProgramHeader> phdrs = new ArrayList<>();
        if (phnum > 0) {
            if (phentsize < PHDR_SIZE) {
                throw bad("e_phentsize is " + phentsize + ", expected at least " + PHDR_SIZE);
            }
            ByteBuffer t = bytes(phoff, tableBytes(phnum, phentsize, "the program header table"),
                    "the program header table");
            for (int i = 0; i < phnum; i++) {
                int b = i * phentsize;
                ProgramHeader p = new ProgramHeader(t.getInt(b), t.getInt(b + 4), t.getLong(b + 8),
                        t.getLong(b + 16), t.getLong(b + 24), t.getLong(b + 32), t.getLong(b + 40),
                        t.getLong(b + 48));
                checkRange(p.offset(), p.filesz(), "program header " + i + " (type " + hex(p.type()) + ") contents");
                if (p.isLoad() && Long.compareUnsigned(p.filesz(), p.memsz()) > 0) {
                    throw bad("program header " + i + " (PT_LOAD) has p_filesz " + hex(p.filesz())
                            + " larger than p_memsz " + hex(p.memsz()));
                }
                phdrs.add(p);
            }
        }

        List<SectionHeader> sections = readSections(shoff, shentsize, shnum, shstrndx);
        int resolvedShnum = sections.size();
        int resolvedShstrndx = sections.isEmpty() ? 0 : resolvedShstrndx(shstrndx, sections);
        ElfHeader header = new ElfHeader(type, machine, entry, phoff, shoff, flags, phentsize, phnum,
                shentsize, resolvedShnum, resolvedShstrndx);

        List<DynamicEntry> dynamic = new ArrayList<>();
        String soname = null;
        List<String> needed = new ArrayList<>();
        readDynamic(phdrs, sections, dynamic);
        if (!dynamic.isEmpty()) {
            StringTable strtab = dynamicStrings(phdrs, sections, dynamic);
            for (DynamicEntry d : dynamic) {
                if (d.tag() == Elf.DT_SONAME || d.tag() == Elf.DT_NEEDED) {
                    if (strtab == null) {
                        throw bad("the dynamic section has DT_SONAME/DT_NEEDED but no string table");
                    }
                    String s = strtab.get(d.value(), d.tag() == Elf.DT_SONAME ? "DT_SONAME" : "DT_NEEDED");
                    if (d.tag() == Elf.DT_SONAME) {
                        soname = s;
                    } else {
                        needed.add(s);
                    }
                }
            }
        }
        List<ElfSymbol> symbols = readDynsym(sections);
        List<ElfNote> notes = readNotes(phdrs, sections);
        return new ElfFile(name, src.size(), header, phdrs, sections, dynamic, soname, needed, symbols, notes);
    }

    private int resolvedShstrndx(int shstrndx, List<SectionHeader> sections) {
        return shstrndx == Elf.SHN_XINDEX ? sections.get(0).link() : shstrndx;
    }

    private List<SectionHeader> readSections(long shoff, int shentsize, int shnum, int shstrndx) throws IOException {
        if (shoff == 0) {
            return List.of();
        }
        if (shentsize < SHDR_SIZE) {
            throw bad("e_shentsize is " + shentsize + ", expected at least " + SHDR_SIZE);
        }
        ByteBuffer first = bytes(shoff, SHDR_SIZE, "section header 0");
        long count = shnum;
        if (shnum == 0) {
            count = first.getLong(32); // extended numbering: the count lives in section 0's sh_size
        }
        if (count == 0) {
            return List.of();
        }
        ByteBuffer t = bytes(shoff, tableBytes(count, shentsize, "the section header table"),
                "the section header table");
        int n = (int) count;
        int[] nameOffsets = new int[n];
        List<SectionHeader> raw = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int b = i * shentsize;
            nameOffsets[i] = t.getInt(b);
            SectionHeader s = new SectionHeader(i, "", t.getInt(b + 4), t.getLong(b + 8), t.getLong(b + 16),
                    t.getLong(b + 24), t.getLong(b + 32), t.getInt(b + 40), t.getInt(b + 44), t.getLong(b + 48),
                    t.getLong(b + 56));
            if (s.type() != Elf.SHT_NOBITS && s.type() != Elf.SHT_NULL) {
                checkRange(s.offset(), s.size(), "section " + i + " contents");
            }
            raw.add(s);
        }
        int strndx = shstrndx == Elf.SHN_XINDEX ? raw.get(0).link() : shstrndx;
        if (strndx == Elf.SHN_UNDEF) {
            return raw;
        }
        if (strndx < 0 || strndx >= n) {
            throw bad("e_shstrndx " + strndx + " is not a section index (there are " + n + " sections)");
        }
        StringTable names = table(raw.get(strndx), "the section name table");
        List<SectionHeader> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SectionHeader s = raw.get(i);
            String nm = i == 0 && nameOffsets[i] == 0 ? "" : names.get(Integer.toUnsignedLong(nameOffsets[i]),
                    "the name of section " + i);
            out.add(new SectionHeader(i, nm, s.type(), s.flags(), s.addr(), s.offset(), s.size(), s.link(),
                    s.info(), s.addralign(), s.entsize()));
        }
        return out;
    }

    private StringTable table(SectionHeader s, String what) throws IOException {
        if (s.type() == Elf.SHT_NOBITS) {
            throw bad(what + " (section " + s.index() + ") has no contents in the file");
        }
        return new StringTable(s.offset(), s.size(), what);
    }

    private void readDynamic(List<ProgramHeader> phdrs, List<SectionHeader> sections, List<DynamicEntry> out)
            throws IOException {
        long off = -1;
        long size = 0;
        for (SectionHeader s : sections) {
            if (s.type() == Elf.SHT_DYNAMIC) {
                off = s.offset();
                size = s.size();
                break;
            }
        }
        if (off < 0) {
            for (ProgramHeader p : phdrs) {
                if (p.type() == Elf.PT_DYNAMIC) {
                    off = p.offset();
                    size = p.filesz();
                    break;
                }
            }
        }
        if (off < 0) {
            return;
        }
        long count = size / DYN_SIZE;
        ByteBuffer b = bytes(off, tableBytes(count, DYN_SIZE, "the dynamic section"), "the dynamic section");
        for (int i = 0; i < count; i++) {
            long tag = b.getLong(i * DYN_SIZE);
            if (tag == Elf.DT_NULL) {
                break;
            }
            out.add(new DynamicEntry(tag, b.getLong(i * DYN_SIZE + 8)));
        }
    }

    /** The string table for the dynamic section: its sh_link, else DT_STRTAB mapped through PT_LOAD. */
    private StringTable dynamicStrings(List<ProgramHeader> phdrs, List<SectionHeader> sections,
                                       List<DynamicEntry> dynamic) throws IOException {
        for (SectionHeader s : sections) {
            if (s.type() == Elf.SHT_DYNAMIC) {
                if (s.link() <= 0 || s.link() >= sections.size()) {
                    throw bad("the dynamic section's sh_link " + s.link() + " is not a section index");
                }
                return table(sections.get(s.link()), "the dynamic string table");
            }
        }
        long strtab = -1;
        long strsz = -1;
        for (DynamicEntry d : dynamic) {
            if (d.tag() == Elf.DT_STRTAB) {
                strtab = d.value();
            } else if (d.tag() == Elf.DT_STRSZ) {
                strsz = d.value();
            }
        }
        if (strtab == -1 || strsz == -1) {
            return null;
        }
        for (ProgramHeader p : phdrs) {
            if (p.isLoad() && Long.compareUnsigned(strtab, p.vaddr()) >= 0
                    && Long.compareUnsigned(strtab - p.vaddr(), p.filesz()) < 0) {
                long off = p.offset() + (strtab - p.vaddr());
                long max = p.filesz() - (strtab - p.vaddr());
                return new StringTable(off, Long.compareUnsigned(strsz, max) < 0 ? strsz : max,
                        "the dynamic string table");
            }
        }
        throw bad("DT_STRTAB " + hex(strtab) + " lies in no PT_LOAD segment");
    }

    private List<ElfSymbol> readDynsym(List<SectionHeader> sections) throws IOException {
        List<ElfSymbol> out = new ArrayList<>();
        for (SectionHeader s : sections) {
            if (s.type() != Elf.SHT_DYNSYM) {
                continue;
            }
            if (s.link() <= 0 || s.link() >= sections.size()) {
                throw bad("section " + s.index() + " (" + s.name() + ") sh_link " + s.link()
                        + " is not a section index");
            }
            StringTable names = table(sections.get(s.link()), "the dynamic symbol name table");
            long count = s.size() / SYM_SIZE;
            ByteBuffer b = bytes(s.offset(), tableBytes(count, SYM_SIZE, "the dynamic symbol table"),
                    "the dynamic symbol table");
            for (int i = 0; i < count; i++) {
                int o = i * SYM_SIZE;
                long nameOff = Integer.toUnsignedLong(b.getInt(o));
                int info = b.get(o + 4) & 0xff;
                int shndx = u16(b, o + 6);
                String nm = nameOff == 0 ? "" : names.get(nameOff, "the name of dynamic symbol " + i);
                out.add(new ElfSymbol(nm, b.getLong(o + 8), b.getLong(o + 16), shndx, info >>> 4, info & 0xf));
            }
            break;
        }
        return out;
    }

    private List<ElfNote> readNotes(List<ProgramHeader> phdrs, List<SectionHeader> sections) throws IOException {
        List<ElfNote> out = new ArrayList<>();
        boolean fromSegments = false;
        for (ProgramHeader p : phdrs) {
            if (p.type() == Elf.PT_NOTE) {
                fromSegments = true;
                notes(p.offset(), p.filesz(), p.align() == 8 ? 8 : 4, out);
            }
        }
        if (!fromSegments) {
            for (SectionHeader s : sections) {
                if (s.type() == Elf.SHT_NOTE) {
                    notes(s.offset(), s.size(), s.addralign() == 8 ? 8 : 4, out);
                }
            }
        }
        return out;
    }

    private void notes(long off, long size, int align, List<ElfNote> out) throws IOException {
        ByteBuffer b = bytes(off, size, "a note area");
        int pos = 0;
        int end = b.limit();
        while (end - pos >= 12) {
            long namesz = Integer.toUnsignedLong(b.getInt(pos));
            long descsz = Integer.toUnsignedLong(b.getInt(pos + 4));
            int type = b.getInt(pos + 8);
            long nameEnd = pos + 12L + namesz;
            // As glibc (ELF_NOTE_DESC_OFFSET): the header and name together are padded to the alignment.
            long descStart = pos + pad(12L + namesz, align);
            long descEnd = descStart + descsz;
            if (nameEnd > end || descEnd > end) {
                throw bad("a note at offset " + hex(off + pos) + " runs past the end of its area");
            }
            int n = (int) namesz;
            if (n > 0 && b.get(pos + 12 + n - 1) == 0) {
                n--;
            }
            byte[] nm = new byte[n];
            b.get(pos + 12, nm);
            byte[] desc = new byte[(int) descsz];
            b.get((int) descStart, desc);
            out.add(new ElfNote(new String(nm, StandardCharsets.UTF_8), type, desc));
            long next = descStart + pad(descsz, align);
            if (next > end) {
                break;
            }
            pos = (int) next;
        }
    }

    private static long pad(long n, int align) {
        return (n + align - 1) / align * align;
    }

    /** A string table's location, reading NUL-terminated strings on demand. */
    private final class StringTable {
        private final long off;
        private final long size;
        private final String what;

        StringTable(long off, long size, String what) {
            checkRange(off, size, what);
            this.off = off;
            this.size = size;
            this.what = what;
        }

        String get(long index, String forWhat) throws IOException {
            if (index < 0 || index >= size) {
                throw bad(forWhat + ": string offset " + index + " lies outside " + what + " (" + size + " bytes)");
            }
            int len = (int) Math.min(MAX_STRING, size - index);
            ByteBuffer b = src.read(off + index, len);
            for (int i = 0; i < len; i++) {
                if (b.get(i) == 0) {
                    byte[] s = new byte[i];
                    b.get(0, s);
                    return new String(s, StandardCharsets.UTF_8);
                }
            }
            throw bad(forWhat + ": the string at offset " + index + " in " + what + " has no terminating NUL");
        }
    }

    private static int u16(ByteBuffer b, int off) {
        return b.getShort(off) & 0xffff;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
