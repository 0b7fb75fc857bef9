package org.krunpack.review;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few ELF facts review needs (type, entry, sections, SONAME), read from bytes. A private
 * stand-in until review switches to {@code org.krunpack.elf}; anything malformed yields
 * {@link Optional#empty()} rather than an exception.
 */
final class MiniElf {
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;

    record Section(String name, int type, long flags, long offset, long size, long addralign, int link) {
    }

    final int type;
    final long entry;
    final List<Section> sections;
    final Optional<String> soname;

    private MiniElf(int type, long entry, List<Section> sections, Optional<String> soname) {
        this.type = type;
        this.entry = entry;
        this.sections = sections;
        this.soname = soname;
    }

    static boolean isElf(byte[] b) {
        return b.length >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    /** Parses an ELF file held in memory (64- or 32-bit, either byte order). */
    static Optional<MiniElf> parse(byte[] data) {
        try {
            if (!isElf(data) || data.length < 52) {
                return Optional.empty();
            }
            boolean is64 = data[4] == 2;
            ByteBuffer b = ByteBuffer.wrap(data).order(data[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int type = b.getShort(16) & 0xffff;
            long entry = is64 ? b.getLong(24) : Integer.toUnsignedLong(b.getInt(24));
            long shoff = is64 ? b.getLong(40) : Integer.toUnsignedLong(b.getInt(32));
            int shentsize = b.getShort(is64 ? 58 : 46) & 0xffff;
            int shnum = b.getShort(is64 ? 60 : 48) & 0xffff;
            int shstrndx = b.getShort(is64 ? 62 : 50) & 0xffff;
            List<Section> raw = new ArrayList<>();
            List<Long> nameOffsets = new ArrayList<>();
            if (shoff > 0 && shoff + (long) shnum * shentsize <= data.length) {
                for (int i = 0; i < shnum; i++) {
                    int p = (int) (shoff + (long) i * shentsize);
                    long nameOff = Integer.toUnsignedLong(b.getInt(p));
                    int stype = b.getInt(p + 4);
                    long flags = is64 ? b.getLong(p + 8) : Integer.toUnsignedLong(b.getInt(p + 8));
                    long off = is64 ? b.getLong(p + 24) : Integer.toUnsignedLong(b.getInt(p + 16));
                    long size = is64 ? b.getLong(p + 32) : Integer.toUnsignedLong(b.getInt(p + 20));
                    int link = b.getInt(p + (is64 ? 40 : 24));
                    long align = is64 ? b.getLong(p + 48) : Integer.toUnsignedLong(b.getInt(p + 32));
                    raw.add(new Section("", stype, flags, off, size, align, link));
                    nameOffsets.add(nameOff);
                }
            }
            List<Section> sections = new ArrayList<>();
            Section strtab = shstrndx < raw.size() ? raw.get(shstrndx) : null;
            for (int i = 0; i < raw.size(); i++) {
                Section s = raw.get(i);
                String name = strtab == null ? "" : cString(data, strtab.offset() + nameOffsets.get(i));
                sections.add(new Section(name, s.type(), s.flags(), s.offset(), s.size(), s.addralign(), s.link()));
            }
            return Optional.of(new MiniElf(type, entry, sections, soname(b, data, sections, is64)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> soname(ByteBuffer b, byte[] data, List<Section> sections, boolean is64) {
        for (Section s : sections) {
            if (s.type() != 6 /* SHT_DYNAMIC */ || s.link() < 0 || s.link() >= sections.size()) {
                continue;
            }
            Section str = sections.get(s.link());
            int entsize = is64 ? 16 : 8;
            for (long p = s.offset(); p + entsize <= s.offset() + s.size() && p + entsize <= data.length; p += entsize) {
                long tag = is64 ? b.getLong((int) p) : b.getInt((int) p);
                long val = is64 ? b.getLong((int) p + 8) : Integer.toUnsignedLong(b.getInt((int) p + 4));
                if (tag == 0) {
                    break;
                }
                if (tag == 14 /* DT_SONAME */) {
                    return Optional.of(cString(data, str.offset() + val));
                }
            }
        }
        return Optional.empty();
    }

    private static String cString(byte[] data, long off) {
        if (off < 0 || off >= data.length) {
            return "";
        }
        int end = (int) off;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, (int) off, end - (int) off, StandardCharsets.ISO_8859_1);
    }

    /** True when the dynamic string table (.dynstr) holds {@code symbol} as a whole string. */
    boolean dynamicStringsContain(byte[] data, String symbol) {
        Optional<Section> dynstr = section(".dynstr");
        if (dynstr.isEmpty()) {
            return false;
        }
        long off = dynstr.get().offset();
        long end = Math.min(data.length, off + dynstr.get().size());
        byte[] needle = symbol.getBytes(StandardCharsets.ISO_8859_1);
        for (long p = off; p + needle.length < end; p++) {
            if (p != off && data[(int) p - 1] != 0) {
                continue;
            }
            boolean match = data[(int) p + needle.length] == 0;
            for (int i = 0; match && i < needle.length; i++) {
                match = data[(int) p + i] == needle[i];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
