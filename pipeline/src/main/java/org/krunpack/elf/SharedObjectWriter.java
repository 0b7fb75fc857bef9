package org.krunpack.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Writes a small ELF64 little-endian shared object ({@code ET_DYN}) without a compiler or linker:
 * exported functions (position-independent machine code that needs no relocation) and exported,
 * aligned, writable data objects whose content is streamed from files. The layout
 * (docs/bundle.md, "How we build it"):
 *
 * <pre>
 *   PT_LOAD r--   ELF header, program headers, .note.gnu.property, .note.gnu.build-id,
 *                 .hash, .gnu.hash, .dynsym, .dynstr
 *   PT_LOAD r-x   .text                       (the functions, 16-byte aligned)
 *   PT_LOAD rw-   .dynamic, .data             (each data object aligned as asked, e.g. 64 KiB)
 *   PT_DYNAMIC, PT_NOTE, PT_GNU_PROPERTY (when a property is set), PT_GNU_STACK (not executable)
 *   .shstrtab and the section headers at the end of the file (not loaded)
 * </pre>
 *
 * Segments are 64 KiB-aligned ({@link #SEGMENT_ALIGN}, the largest page size of the hosts) with
 * virtual addresses congruent to file offsets, so only the data objects need file padding. The
 * output depends only on the inputs: same inputs, same bytes. The build-id is content-derived: the
 * SHA-1 of every byte outside the data objects (build-id zeroed) and, per data object, its size,
 * CRC-32 and CRC-32C (cheap to compute while the data is copied; a build-id names a build, it is
 * not a signature).
 */
public final class SharedObjectWriter {
    /** Alignment of every PT_LOAD segment: hosts with 4K, 16K and 64K pages. */
    public static final long SEGMENT_ALIGN = 0x10000;
    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int SHDR = 64;
    private static final int SYM = 24;
    private static final int BUILD_ID_LENGTH = 20;
    private static final int COPY_BUFFER = 1 << 20;

    /** Machine code of one function; its size is fixed before any address is known. */
    public interface Code {
        int size();

        /** The function's bytes placed at {@code address}, given every symbol's address. */
        byte[] encode(long address, ToLongFunction<String> addressOf);
    }

    /** The content of a data object, streamed into the file in order. */
    public interface Content {
        /** Exactly the number of bytes {@link #writeTo} produces. */
        long size();

        void writeTo(Sink sink) throws IOException;
    }

    /** Where a data object's content goes. */
    public interface Sink {
        /** Copies {@code length} bytes of {@code from} starting at {@code offset}. */
        void copy(FileChannel from, long offset, long length) throws IOException;

        /** Appends {@code n} zero bytes. */
        void zeros(long n) throws IOException;
    }

    private record Function(String name, Code code) {
    }

    private record DataObject(String name, long symbolSize, long align, Content content) {
    }

    /**
     * What was written.
     *
     * @param buildId   the {@code NT_GNU_BUILD_ID} descriptor
     * @param addresses every exported symbol's address
     * @param size      the file's size
     */
    public record Written(byte[] buildId, Map<String, Long> addresses, long size) {
        public Written {
            buildId = buildId.clone();
            addresses = Map.copyOf(addresses);
        }

        @Override
        public byte[] buildId() {
            return buildId.clone();
        }

        /** The build-id as lowercase hex, as {@code readelf -n} prints it. */
        public String buildIdHex() {
            return java.util.HexFormat.of().formatHex(buildId);
        }
    }

    private final int machine;
    private final int flags;
    private final String soname;
    private final List<Function> functions = new ArrayList<>();
    private final List<DataObject> data = new ArrayList<>();
    private int propertyType;
    private int propertyValue;
    private boolean property;

    /**
     * @param machine {@code e_machine}
     * @param flags   {@code e_flags}
     * @param soname  {@code DT_SONAME}
     */
    public SharedObjectWriter(int machine, int flags, String soname) {
        this.machine = machine;
        this.flags = flags;
        this.soname = soname;
    }

    /** Adds a {@code .note.gnu.property} with one 32-bit AND property (e.g. IBT/SHSTK, BTI). */
    public SharedObjectWriter gnuProperty(int type, int value) {
        this.property = true;
        this.propertyType = type;
        this.propertyValue = value;
        return this;
    }

    /** Exports a function ({@code STT_FUNC}, global, default visibility) in {@code .text}. */
    public SharedObjectWriter function(String name, Code code) {
        functions.add(new Function(name, code));
        return this;
    }

    /**
     * Exports a data object ({@code STT_OBJECT}) in {@code .data} at an address aligned to
     * {@code align}, of {@code symbolSize} bytes ({@code st_size}), holding {@code content}.
     */
    public SharedObjectWriter data(String name, long symbolSize, long align, Content content) {
        if (align <= 0 || Long.bitCount(align) != 1 || align > SEGMENT_ALIGN) {
            throw new IllegalArgumentException("alignment " + align + " is not a power of two up to " + SEGMENT_ALIGN);
        }
        data.add(new DataObject(name, symbolSize, align, content));
        return this;
    }

    // ---------------------------------------------------------------- layout

    /** A section: name, type, flags, file offset, address, size, link, info, alignment, entry size. */
    private static final class Section {
        final String name;
        final int type;
        final long flags;
        long offset;
        long addr;
        long size;
        int link;
        int info;
        final long align;
        final long entsize;
        int nameOffset;

        Section(String name, int type, long flags, long align, long entsize) {
            this.name = name;
            this.type = type;
            this.flags = flags;
            this.align = align;
            this.entsize = entsize;
        }
    }

    /** A dynamic symbol with its name's hashes. */
    private record Sym(String name, boolean function, long size, int gnuHash, long sysvHash) {
    }

    /** Writes the shared object to {@code file} (created or truncated). */
    public Written write(Path file) throws IOException {
        if (functions.isEmpty() && data.isEmpty()) {
            throw new IllegalStateException("nothing to export");
        }
        // Symbols, ordered for .gnu.hash (by bucket, then name: deterministic).
        List<Sym> syms = new ArrayList<>();
        for (Function f : functions) {
            syms.add(sym(f.name(), true, f.code().size()));
        }
        for (DataObject d : data) {
            syms.add(sym(d.name(), false, d.symbolSize()));
        }
        int nbuckets = Math.max(1, syms.size() / 2);
        syms.sort(Comparator.comparingInt((Sym s) -> Integer.remainderUnsigned(s.gnuHash(), nbuckets))
                .thenComparing(Sym::name));

        // .dynstr: "", the symbol names, the SONAME.
        ByteBuffer dynstrBuf = le(ByteBuffer.allocate(dynstrSize(syms) + soname.length() + 1));
        dynstrBuf.put((byte) 0);
        Map<String, Integer> strOff = new LinkedHashMap<>();
        for (Sym s : syms) {
            strOff.put(s.name(), dynstrBuf.position());
            dynstrBuf.put(s.name().getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        }
        int sonameOff = dynstrBuf.position();
        dynstrBuf.put(soname.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);

        // Sections, in file order.
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("", Elf.SHT_NULL, 0, 0, 0));
        Section prop = property ? add(sections, new Section(".note.gnu.property", Elf.SHT_NOTE, Elf.SHF_ALLOC, 8, 0))
                : null;
        Section buildId = add(sections, new Section(".note.gnu.build-id", Elf.SHT_NOTE, Elf.SHF_ALLOC, 4, 0));
        Section hash = add(sections, new Section(".hash", Elf.SHT_HASH, Elf.SHF_ALLOC, 8, 4));
        Section gnuHash = add(sections, new Section(".gnu.hash", Elf.SHT_GNU_HASH, Elf.SHF_ALLOC, 8, 0));
        Section dynsym = add(sections, new Section(".dynsym", Elf.SHT_DYNSYM, Elf.SHF_ALLOC, 8, SYM));
        Section dynstr = add(sections, new Section(".dynstr", Elf.SHT_STRTAB, Elf.SHF_ALLOC, 1, 0));
        Section text = add(sections, new Section(".text", Elf.SHT_PROGBITS, Elf.SHF_ALLOC | Elf.SHF_EXECINSTR, 16, 0));
        Section dynamic = add(sections, new Section(".dynamic", Elf.SHT_DYNAMIC, Elf.SHF_ALLOC | Elf.SHF_WRITE, 8, 16));
        long dataAlign = data.stream().mapToLong(DataObject::align).max().orElse(8);
        Section dataSec = data.isEmpty() ? null
                : add(sections, new Section(".data", Elf.SHT_PROGBITS, Elf.SHF_ALLOC | Elf.SHF_WRITE, dataAlign, 0));
        Section shstrtab = add(sections, new Section(".shstrtab", Elf.SHT_STRTAB, 0, 1, 0));
        int index = 0;
        Map<Section, Integer> indexOf = new LinkedHashMap<>();
        for (Section s : sections) {
            indexOf.put(s, index++);
        }
        dynsym.link = indexOf.get(dynstr);
        dynsym.info = 1;
        hash.link = indexOf.get(dynsym);
        gnuHash.link = indexOf.get(dynsym);
        dynamic.link = indexOf.get(dynstr);

        int phnum = 6 + (property ? 2 : 0);
        int bloomWords = 1;
        int bloomShift = 6;
        long pos = EHDR + (long) phnum * PHDR;
        // Segment 1, read-only: vaddr == offset.
        if (prop != null) {
            pos = place(prop, pos, 0, 32);
        }
        pos = place(buildId, pos, 0, 16 + BUILD_ID_LENGTH);
        pos = place(hash, pos, 0, 4L * (2 + nbuckets + syms.size() + 1));
        pos = place(gnuHash, pos, 0, 16 + 8L * bloomWords + 4L * nbuckets + 4L * syms.size());
        pos = place(dynsym, pos, 0, (long) SYM * (syms.size() + 1));
        pos = place(dynstr, pos, 0, dynstrBuf.capacity());
        long roEnd = pos;
        // Segment 2, r-x: the next 64 KiB window of the address space, congruent to the offset.
        long textOff = align(pos, text.align);
        long textAddr = roundUp(roEnd, SEGMENT_ALIGN) + textOff % SEGMENT_ALIGN;
        Map<String, Long> addresses = new LinkedHashMap<>();
        long fpos = 0;
        for (Function f : functions) {
            fpos = align(fpos, 16);
            addresses.put(f.name(), textAddr + fpos);
            fpos += f.code().size();
        }
        place(text, textOff, textAddr - textOff, fpos);
        long textEnd = textOff + fpos;
        // Segment 3, rw-: .dynamic then the data objects.
        int ndyn = 8;
        long dynOff = align(textEnd, 8);
        long dynAddr = roundUp(textAddr + fpos, SEGMENT_ALIGN) + dynOff % SEGMENT_ALIGN;
        place(dynamic, dynOff, dynAddr - dynOff, 16L * ndyn);
        long rwEndAddr = dynAddr + dynamic.size;
        long dataStartAddr = rwEndAddr;
        for (DataObject d : data) {
            long a = roundUp(rwEndAddr, d.align());
            if (d == data.get(0)) {
                dataStartAddr = a;
            }
            addresses.put(d.name(), a);
            rwEndAddr = a + d.content().size();
        }
        if (dataSec != null) {
            place(dataSec, dynOff + (dataStartAddr - dynAddr), dynAddr - dynOff, rwEndAddr - dataStartAddr);
        }
        long rwEndOff = dynOff + (rwEndAddr - dynAddr);

        // .shstrtab and the section header table close the file.
        ByteBuffer shstr = le(ByteBuffer.allocate(sections.stream().mapToInt(s -> s.name.length() + 1).sum()));
        shstr.put((byte) 0); // the null section's empty name
        for (Section s : sections.subList(1, sections.size())) {
            s.nameOffset = shstr.position();
            shstr.put(s.name.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        }
        place(shstrtab, rwEndOff, -rwEndOff, shstr.position()); // not loaded: address 0
        long shoff = align(rwEndOff + shstrtab.size, 8);
        long fileSize = shoff + (long) SHDR * sections.size();

        // The prefix: everything before the data objects (headers, tables, code, .dynamic).
        long prefixEnd = dataSec != null ? dataSec.offset : dynOff + dynamic.size;
        ByteBuffer pre = le(ByteBuffer.allocate(Math.toIntExact(prefixEnd)));
        // ELF header.
        pre.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        pre.putShort((short) Elf.ET_DYN).putShort((short) machine).putInt(1).putLong(0).putLong(EHDR).putLong(shoff)
                .putInt(flags).putShort((short) EHDR).putShort((short) PHDR).putShort((short) phnum)
                .putShort((short) SHDR).putShort((short) sections.size()).putShort((short) (int) indexOf.get(shstrtab));
        // Program headers.
        phdr(pre, Elf.PT_LOAD, Elf.PF_R, 0, 0, roEnd, roEnd, SEGMENT_ALIGN);
        phdr(pre, Elf.PT_LOAD, Elf.PF_R | Elf.PF_X, textOff, textAddr, fpos, fpos, SEGMENT_ALIGN);
        phdr(pre, Elf.PT_LOAD, Elf.PF_R | Elf.PF_W, dynOff, dynAddr, rwEndOff - dynOff, rwEndAddr - dynAddr,
                SEGMENT_ALIGN);
        phdr(pre, Elf.PT_DYNAMIC, Elf.PF_R | Elf.PF_W, dynOff, dynAddr, dynamic.size, dynamic.size, 8);
        if (prop != null) {
            phdr(pre, Elf.PT_NOTE, Elf.PF_R, prop.offset, prop.addr, prop.size, prop.size, 8);
        }
        phdr(pre, Elf.PT_NOTE, Elf.PF_R, buildId.offset, buildId.addr, buildId.size, buildId.size, 4);
        if (prop != null) {
            phdr(pre, Elf.PT_GNU_PROPERTY, Elf.PF_R, prop.offset, prop.addr, prop.size, prop.size, 8);
        }
        phdr(pre, Elf.PT_GNU_STACK, Elf.PF_R | Elf.PF_W, 0, 0, 0, 0, 16);
        // Notes.
        if (prop != null) {
            pre.position((int) prop.offset);
            pre.putInt(4).putInt(16).putInt(Elf.NT_GNU_PROPERTY_TYPE_0).put(new byte[] {'G', 'N', 'U', 0});
            pre.putInt(propertyType).putInt(4).putInt(propertyValue).putInt(0);
        }
        pre.position((int) buildId.offset);
        pre.putInt(4).putInt(BUILD_ID_LENGTH).putInt(Elf.NT_GNU_BUILD_ID).put(new byte[] {'G', 'N', 'U', 0});
        int buildIdDesc = pre.position();
        // .hash (System V): nbucket, nchain, buckets, chains.
        pre.position((int) hash.offset);
        int nsym = syms.size() + 1;
        int[] sysvBucket = new int[nbuckets];
        int[] sysvChain = new int[nsym];
        for (int i = syms.size(); i >= 1; i--) {
            int b = (int) (syms.get(i - 1).sysvHash() % nbuckets);
            sysvChain[i] = sysvBucket[b];
            sysvBucket[b] = i;
        }
        pre.putInt(nbuckets).putInt(nsym);
        for (int b : sysvBucket) {
            pre.putInt(b);
        }
        for (int c : sysvChain) {
            pre.putInt(c);
        }
        // .gnu.hash: nbuckets, symoffset 1, bloom size and shift, bloom, buckets, hash values.
        pre.position((int) gnuHash.offset);
        pre.putInt(nbuckets).putInt(1).putInt(bloomWords).putInt(bloomShift);
        long bloom = 0;
        for (Sym s : syms) {
            bloom |= 1L << (Integer.toUnsignedLong(s.gnuHash()) % 64);
            bloom |= 1L << ((Integer.toUnsignedLong(s.gnuHash()) >>> bloomShift) % 64);
        }
        pre.putLong(bloom);
        int[] gnuBucket = new int[nbuckets];
        for (int i = syms.size(); i >= 1; i--) {
            gnuBucket[Integer.remainderUnsigned(syms.get(i - 1).gnuHash(), nbuckets)] = i;
        }
        for (int b : gnuBucket) {
            pre.putInt(b);
        }
        for (int i = 0; i < syms.size(); i++) {
            int h = syms.get(i).gnuHash() & ~1;
            boolean last = i == syms.size() - 1 || Integer.remainderUnsigned(syms.get(i + 1).gnuHash(), nbuckets)
                    != Integer.remainderUnsigned(syms.get(i).gnuHash(), nbuckets);
            pre.putInt(last ? h | 1 : h);
        }
        // .dynsym.
        pre.position((int) dynsym.offset);
        pre.put(new byte[SYM]);
        for (Sym s : syms) {
            pre.putInt(strOff.get(s.name()));
            pre.put((byte) ((Elf.STB_GLOBAL << 4) | (s.function() ? Elf.STT_FUNC : Elf.STT_OBJECT)));
            pre.put((byte) 0);
            pre.putShort((short) (int) indexOf.get(s.function() ? text : dataSec));
            pre.putLong(addresses.get(s.name()));
            pre.putLong(s.size());
        }
        // .dynstr.
        pre.position((int) dynstr.offset);
        pre.put(dynstrBuf.array());
        // .text.
        ToLongFunction<String> addressOf = name -> {
            Long a = addresses.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no symbol " + name);
            }
            return a;
        };
        for (Function f : functions) {
            long a = addresses.get(f.name());
            byte[] code = f.code().encode(a, addressOf);
            if (code.length != f.code().size()) {
                throw new IllegalStateException(f.name() + ": encoded " + code.length + " bytes, announced "
                        + f.code().size());
            }
            pre.position((int) (textOff + (a - textAddr)));
            pre.put(code);
        }
        // .dynamic.
        pre.position((int) dynOff);
        dyn(pre, Elf.DT_SONAME, sonameOff);
        dyn(pre, Elf.DT_HASH, hash.addr);
        dyn(pre, Elf.DT_GNU_HASH, gnuHash.addr);
        dyn(pre, Elf.DT_STRTAB, dynstr.addr);
        dyn(pre, Elf.DT_SYMTAB, dynsym.addr);
        dyn(pre, Elf.DT_STRSZ, dynstr.size);
        dyn(pre, Elf.DT_SYMENT, SYM);
        dyn(pre, Elf.DT_NULL, 0);

        // The suffix: .shstrtab, padding, section headers.
        ByteBuffer suf = le(ByteBuffer.allocate(Math.toIntExact(fileSize - shstrtab.offset)));
        suf.put(shstr.array(), 0, (int) shstrtab.size);
        suf.position((int) (shoff - shstrtab.offset));
        for (Section s : sections) {
            suf.putInt(s.nameOffset).putInt(s.type).putLong(s.flags).putLong(s.addr).putLong(s.offset)
                    .putLong(s.size).putInt(s.link).putInt(s.info).putLong(s.align).putLong(s.entsize);
        }

        MessageDigest sha1 = sha1();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ChecksummingSink sink = new ChecksummingSink(out);
            for (DataObject d : data) {
                long at = dynOff + (addresses.get(d.name()) - dynAddr);
                sink.start(at);
                d.content().writeTo(sink);
                if (sink.written() != d.content().size()) {
                    throw new IllegalStateException(d.name() + ": content wrote " + sink.written() + " bytes, announced "
                            + d.content().size());
                }
                ByteBuffer sum = le(ByteBuffer.allocate(16));
                sum.putLong(d.content().size()).putInt((int) sink.crc32.getValue()).putInt((int) sink.crc32c.getValue());
                sha1.update(sum.array());
            }
            writeFully(out, suf.flip(), shstrtab.offset);
            sha1.update(pre.array());
            sha1.update(suf.array());
            byte[] id = sha1.digest();
            pre.position(buildIdDesc);
            pre.put(id, 0, BUILD_ID_LENGTH);
            writeFully(out, pre.clear(), 0);
            return new Written(java.util.Arrays.copyOf(id, BUILD_ID_LENGTH), addresses, fileSize);
        }
    }

    private static Sym sym(String name, boolean function, long size) {
        return new Sym(name, function, size, gnuHash(name), sysvHash(name));
    }

    private static int dynstrSize(List<Sym> syms) {
        return 1 + syms.stream().mapToInt(s -> s.name().length() + 1).sum();
    }

    private static Section add(List<Section> list, Section s) {
        list.add(s);
        return s;
    }

    /**
     * Places {@code s} at the next aligned offset at or after {@code pos}, at address offset +
     * {@code delta} (its segment's p_vaddr - p_offset); returns the end offset.
     */
    private static long place(Section s, long pos, long delta, long size) {
        long off = align(pos, Math.max(1, s.align));
        s.offset = off;
        s.addr = off + delta;
        s.size = size;
        return off + size;
    }

    private static void phdr(ByteBuffer b, int type, int flags, long off, long vaddr, long filesz, long memsz,
                             long align) {
        b.putInt(type).putInt(flags).putLong(off).putLong(vaddr).putLong(vaddr).putLong(filesz).putLong(memsz)
                .putLong(align);
    }

    private static void dyn(ByteBuffer b, long tag, long value) {
        b.putLong(tag).putLong(value);
    }

    static long align(long v, long a) {
        return (v + a - 1) & -a;
    }

    static long roundUp(long v, long a) {
        return align(v, a);
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void writeFully(FileChannel out, ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            p += out.write(b, p);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The GNU hash of a symbol name (h = h * 33 + c, from 5381). */
    static int gnuHash(String name) {
        int h = 5381;
        for (byte c : name.getBytes(StandardCharsets.US_ASCII)) {
            h = h * 33 + (c & 0xff);
        }
        return h;
    }

    /** The System V ELF hash of a symbol name. */
    static long sysvHash(String name) {
        long h = 0;
        for (byte c : name.getBytes(StandardCharsets.US_ASCII)) {
            h = (h << 4) + (c & 0xff);
            long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
        }
        return h & 0xffffffffL;
    }

    /** Writes a data object at increasing offsets (zeros as holes) and checksums what it writes. */
    private static final class ChecksummingSink implements Sink {
        private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(65536);
        private final FileChannel out;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER);
        final CRC32 crc32 = new CRC32();
        final CRC32C crc32c = new CRC32C();
        private long start;
        private long pos;

        ChecksummingSink(FileChannel out) {
            this.out = out;
        }

        void start(long at) {
            start = at;
            pos = at;
            crc32.reset();
            crc32c.reset();
        }

        long written() {
            return pos - start;
        }

        @Override
        public void copy(FileChannel from, long offset, long length) throws IOException {
            long done = 0;
            while (done < length) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - done));
                while (buf.hasRemaining()) {
                    int n = from.read(buf, offset + done + buf.position());
                    if (n < 0) {
                        throw new IOException("the input ended before offset " + (offset + length)
                                + " (did it change while it was read?)");
                    }
                }
                buf.flip();
                crc32.update(buf);
                buf.rewind();
                crc32c.update(buf);
                buf.rewind();
                int n = buf.remaining();
                writeFully(out, buf, pos);
                pos += n;
                done += n;
            }
        }

        @Override
        public void zeros(long n) {
            long left = n;
            while (left > 0) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit((int) Math.min(z.capacity(), left));
                int k = z.remaining();
                crc32.update(z);
                z.rewind();
                crc32c.update(z);
                left -= k;
            }
            pos += n; // a hole: the file reads as zeros there
        }
    }
}
