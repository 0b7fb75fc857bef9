package org.krunpack.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ELF64 little-endian files for tests, independently of the reader under test:
 * segments with contents, extra sections, a dynamic section (SONAME, NEEDED), dynamic symbols and
 * notes.
 */
public final class ElfBuilder {
    /** A segment; {@code data} is written to the file, {@code memsz} may be larger. */
    public record Segment(int type, int flags, long vaddr, long paddr, byte[] data, long memsz, long align) {
    }

    /** A section with contents. */
    public record Section(String name, int type, long flags, long addr, byte[] data, long addralign) {
    }

    /** A dynamic symbol, defined in section {@code shndx} (0 for undefined). */
    public record Symbol(String name, long value, long size, int shndx, int binding, int type) {
    }

    /** A note. */
    public record Note(String name, int type, byte[] desc) {
    }

    private int type = 2;
    private int machine = 62;
    private long entry;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();
    private final List<String> needed = new ArrayList<>();
    private String soname;

    public ElfBuilder type(int t) {
        this.type = t;
        return this;
    }

    public ElfBuilder machine(int m) {
        this.machine = m;
        return this;
    }

    public ElfBuilder entry(long e) {
        this.entry = e;
        return this;
    }

    public ElfBuilder load(long vaddr, long paddr, byte[] data, long memsz) {
        segments.add(new Segment(1, 7, vaddr, paddr, data, memsz, 0x200000));
        return this;
    }

    public ElfBuilder segment(Segment s) {
        segments.add(s);
        return this;
    }

    public ElfBuilder section(Section s) {
        sections.add(s);
        return this;
    }

    public ElfBuilder symbol(Symbol s) {
        symbols.add(s);
        return this;
    }

    public ElfBuilder note(Note n) {
        notes.add(n);
        return this;
    }

    public ElfBuilder soname(String s) {
        this.soname = s;
        return this;
    }

    public ElfBuilder needed(String s) {
        needed.add(s);
        return this;
    }

    /** Section index (in the written file) of the i-th added section. */
    public static int sectionIndex(int i) {
        return i + 1;
    }

    public byte[] build() {
        // Sections: 0 null, the user's, then .dynstr/.dynsym/.dynamic when needed, .note, .shstrtab.
        List<Section> all = new ArrayList<>(sections);
        boolean dyn = soname != null || !needed.isEmpty() || !symbols.isEmpty();
        int dynstrIdx = -1;
        int dynsymIdx = -1;
        int dynamicIdx = -1;
        if (dyn) {
            Strtab dynstr = new Strtab();
            ByteBuffer sym = le(24 * (symbols.size() + 1));
            sym.position(24);
            for (Symbol s : symbols) {
                sym.putInt(dynstr.add(s.name()));
                sym.put((byte) ((s.binding() << 4) | s.type()));
                sym.put((byte) 0);
                sym.putShort((short) s.shndx());
                sym.putLong(s.value());
                sym.putLong(s.size());
            }
            List<long[]> dents = new ArrayList<>();
            for (String n : needed) {
                dents.add(new long[] {1, dynstr.add(n)});
            }
            if (soname != null) {
                dents.add(new long[] {14, dynstr.add(soname)});
            }
            ByteBuffer d = le(16 * (dents.size() + 1));
            for (long[] e : dents) {
                d.putLong(e[0]).putLong(e[1]);
            }
            dynstrIdx = all.size() + 1;
            all.add(new Section(".dynstr", 3, 2, 0, dynstr.bytes(), 1));
            dynsymIdx = all.size() + 1;
            all.add(new Section(".dynsym", 11, 2, 0, sym.array(), 8));
            dynamicIdx = all.size() + 1;
            all.add(new Section(".dynamic", 6, 3, 0, d.array(), 8));
        }
        int noteIdx = -1;
        if (!notes.isEmpty()) {
            ByteArrayOutputStream nb = new ByteArrayOutputStream();
            for (Note n : notes) {
                byte[] name = (n.name() + "\0").getBytes(StandardCharsets.UTF_8);
                ByteBuffer h = le(12);
                h.putInt(name.length).putInt(n.desc().length).putInt(n.type());
                nb.writeBytes(h.array());
                nb.writeBytes(name);
                nb.writeBytes(new byte[pad4(name.length) - name.length]);
                nb.writeBytes(n.desc());
                nb.writeBytes(new byte[pad4(n.desc().length) - n.desc().length]);
            }
            noteIdx = all.size() + 1;
            all.add(new Section(".note", 7, 2, 0, nb.toByteArray(), 4));
        }
        Strtab shstr = new Strtab();
        int[] nameOff = new int[all.size() + 2];
        for (int i = 0; i < all.size(); i++) {
            nameOff[i + 1] = shstr.add(all.get(i).name());
        }
        int shstrIdx = all.size() + 1;
        nameOff[shstrIdx] = shstr.add(".shstrtab");
        all.add(new Section(".shstrtab", 3, 0, 0, null, 1));
        byte[] shstrBytes = shstr.bytes();

        int phnum = segments.size() + (noteIdx > 0 ? 1 : 0) + (dynamicIdx > 0 ? 1 : 0);
        long off = 64 + 56L * phnum;
        long[] segOff = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            off = align(off, 16);
            segOff[i] = off;
            off += segments.get(i).data().length;
        }
        long[] secOff = new long[all.size() + 1];
        for (int i = 0; i < all.size(); i++) {
            off = align(off, 8);
            secOff[i + 1] = off;
            Section s = all.get(i);
            off += s.data() == null ? shstrBytes.length : s.data().length;
        }
        off = align(off, 8);
        long shoff = off;
        int shnum = all.size() + 1;
        long total = shoff + 64L * shnum;
        ByteBuffer b = le((int) total);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) type).putShort((short) machine).putInt(1).putLong(entry).putLong(64).putLong(shoff)
                .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
                .putShort((short) shnum).putShort((short) shstrIdx);
        b.position(64);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            b.putInt(s.type()).putInt(s.flags()).putLong(segOff[i]).putLong(s.vaddr()).putLong(s.paddr())
                    .putLong(s.data().length).putLong(s.memsz()).putLong(s.align());
        }
        if (noteIdx > 0) {
            Section n = all.get(noteIdx - 1);
            b.putInt(4).putInt(4).putLong(secOff[noteIdx]).putLong(0).putLong(0).putLong(n.data().length)
                    .putLong(n.data().length).putLong(4);
        }
        if (dynamicIdx > 0) {
            Section n = all.get(dynamicIdx - 1);
            b.putInt(2).putInt(6).putLong(secOff[dynamicIdx]).putLong(0).putLong(0).putLong(n.data().length)
                    .putLong(n.data().length).putLong(8);
        }
        for (int i = 0; i < segments.size(); i++) {
            b.put((int) segOff[i], segments.get(i).data());
        }
        for (int i = 0; i < all.size(); i++) {
            Section s = all.get(i);
            b.put((int) secOff[i + 1], s.data() == null ? shstrBytes : s.data());
        }
        b.position((int) shoff + 64);
        for (int i = 0; i < all.size(); i++) {
            Section s = all.get(i);
            int idx = i + 1;
            int link = idx == dynsymIdx || idx == dynamicIdx ? dynstrIdx : 0;
            int info = idx == dynsymIdx ? 1 : 0;
            long entsize = idx == dynsymIdx ? 24 : idx == dynamicIdx ? 16 : 0;
            long size = s.data() == null ? shstrBytes.length : s.data().length;
            b.putInt(nameOff[idx]).putInt(s.type()).putLong(s.flags()).putLong(s.addr()).putLong(secOff[idx])
                    .putLong(size).putInt(link).putInt(info).putLong(s.addralign()).putLong(entsize);
        }
        return b.array();
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private static long align(long n, int a) {
        return (n + a - 1) / a * a;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A string table under construction. */
    private static final class Strtab {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Strtab() {
            out.write(0);
        }

        int add(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            int at = out.size();
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return at;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
