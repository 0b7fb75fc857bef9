package org.krunpack.elf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The headers of an ELF64 little-endian file: file header, program headers, section headers with
 * names, the dynamic section (SONAME, NEEDED), dynamic symbols and notes. Segment and section
 * contents are not loaded (a vmlinux is tens of megabytes); callers read them from the file using
 * the offsets here, which {@link #read(Path)} has checked against the file's size.
 *
 * <p>Malformed input gives a {@link org.krunpack.core.KrunpackException} usage error naming the
 * file and what is wrong, never another exception.
 */
public record ElfFile(String name, long fileSize, ElfHeader header, List<ProgramHeader> programHeaders,
                      List<SectionHeader> sections, List<DynamicEntry> dynamic, String soname,
                      List<String> needed, List<ElfSymbol> dynamicSymbols, List<ElfNote> notes) {

    public ElfFile {
        programHeaders = List.copyOf(programHeaders);
        sections = List.copyOf(sections);
        dynamic = List.copyOf(dynamic);
        needed = List.copyOf(needed);
        dynamicSymbols = List.copyOf(dynamicSymbols);
        notes = List.copyOf(notes);
    }

    /** Reads the headers of {@code file} (only the bytes needed, never the whole file). */
    public static ElfFile read(Path file) {
        return ElfReader.read(file);
    }

    /** Parses an ELF file held in memory; {@code name} is used in error messages. */
    public static ElfFile parse(String name, byte[] bytes) {
        return ElfReader.parse(name, bytes);
    }

    /** True when the bytes start with the ELF magic. */
    public static boolean hasElfMagic(byte[] firstBytes) {
        return firstBytes.length >= 4 && firstBytes[0] == 0x7f && firstBytes[1] == 'E'
                && firstBytes[2] == 'L' && firstBytes[3] == 'F';
    }

    /** {@code PT_LOAD} segments in file order. */
    public List<ProgramHeader> loadSegments() {
        List<ProgramHeader> out = new ArrayList<>();
        for (ProgramHeader p : programHeaders) {
            if (p.isLoad()) {
                out.add(p);
            }
        }
        return out;
    }

    /** DT_SONAME, when present. */
    public Optional<String> sonameValue() {
        return Optional.ofNullable(soname);
    }

    /** The first section with this name. */
    public Optional<SectionHeader> section(String sectionName) {
        return sections.stream().filter(s -> s.name().equals(sectionName)).findFirst();
    }

    /** The section with this index, if it exists. */
    public Optional<SectionHeader> section(int index) {
        return index >= 0 && index < sections.size() ? Optional.of(sections.get(index)) : Optional.empty();
    }

    /** The exported (defined, global or weak) dynamic symbol with this name. */
    public Optional<ElfSymbol> exportedSymbol(String symbolName) {
        return dynamicSymbols.stream().filter(s -> s.exported() && s.name().equals(symbolName)).findFirst();
    }

    /** The allocated section holding {@code [vaddr, vaddr+len)}. */
    public Optional<SectionHeader> sectionContaining(long vaddr, long len) {
        return sections.stream().filter(s -> s.type() != Elf.SHT_NULL && s.containsVaddr(vaddr, len)).findFirst();
    }

    /** The {@code PT_LOAD} segment holding {@code [vaddr, vaddr+len)}. */
    public Optional<ProgramHeader> loadSegmentContaining(long vaddr, long len) {
        return loadSegments().stream().filter(p -> p.containsVaddr(vaddr, len)).findFirst();
    }
}
