package org.krunpack.elf;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.testing.Gcc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Our reader agrees with readelf on files gcc makes. */
@Tag("tools")
class ElfFileToolsTest {
    @TempDir
    Path tmp;

    @Test
    void sharedLibraryAgreesWithReadelf() throws Exception {
        Gcc.write(tmp.resolve("x.c"), "#include <stdio.h>\nint answer(void) { puts(\"hi\"); return 42; }\n"
                + "char table[100000] __attribute__((aligned(4096))) = {1};\n");
        Path so = Gcc.sharedLibrary(tmp, "libx.so.1.2", "libx.so.1", "x.c");
        ElfFile elf = ElfFile.read(so);
        String d = Gcc.run(tmp, "readelf", "-dW", so.toString());
        assertThat(d).contains("Library soname: [" + elf.soname() + "]");
        assertThat(elf.soname()).isEqualTo("libx.so.1");
        for (String n : elf.needed()) {
            assertThat(d).contains("Shared library: [" + n + "]");
        }
        assertThat(elf.needed()).contains("libc.so.6");

        String s = Gcc.run(tmp, "readelf", "-SW", so.toString());
        for (SectionHeader h : elf.sections()) {
            if (!h.name().isEmpty()) {
                assertThat(s).contains(" " + h.name() + " ");
            }
        }
        Matcher count = Pattern.compile("There are (\\d+) section headers").matcher(s);
        assertThat(count.find()).isTrue();
        assertThat(elf.sections()).hasSize(Integer.parseInt(count.group(1)));

        String syms = Gcc.run(tmp, "readelf", "--dyn-syms", "-W", so.toString());
        ElfSymbol answer = elf.exportedSymbol("answer").orElseThrow();
        assertThat(answer.isFunction()).isTrue();
        assertThat(syms).containsPattern(String.format("%016x +%d FUNC +GLOBAL +DEFAULT +%d answer",
                answer.value(), answer.size(), answer.sectionIndex()));
        ElfSymbol table = elf.exportedSymbol("table").orElseThrow();
        assertThat(table.size()).isEqualTo(100000);
        assertThat(elf.section(table.sectionIndex()).orElseThrow().name()).isEqualTo(".data");
        assertThat(elf.exportedSymbol("puts")).isEmpty();
        assertThat(elf.dynamicSymbols()).anyMatch(x -> x.name().equals("puts") && !x.exported());
    }

    @Test
    void staticExecutableSegmentsAndNotesAgreeWithReadelf() throws Exception {
        Gcc.write(tmp.resolve("m.c"), "int main(void) { return 0; }\n");
        Gcc.run(tmp, "gcc", "-static", "-O2", "-Wl,--build-id=sha1", "-o", "m", "m.c");
        ElfFile elf = ElfFile.read(tmp.resolve("m"));
        String l = Gcc.run(tmp, "readelf", "-lW", tmp.resolve("m").toString());
        List<String> loads = new ArrayList<>();
        Matcher m = Pattern.compile("LOAD +0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)")
                .matcher(l);
        while (m.find()) {
            loads.add(Long.parseLong(m.group(1), 16) + "/" + Long.parseLong(m.group(2), 16) + "/"
                    + Long.parseLong(m.group(3), 16) + "/" + Long.parseLong(m.group(4), 16) + "/"
                    + Long.parseLong(m.group(5), 16));
        }
        assertThat(loads).isNotEmpty();
        assertThat(elf.loadSegments()).extracting(p -> p.offset() + "/" + p.vaddr() + "/" + p.paddr() + "/"
                + p.filesz() + "/" + p.memsz()).containsExactlyElementsOf(loads);
        assertThat(l).contains("Entry point 0x" + Long.toHexString(elf.header().entry()));
        String n = Gcc.run(tmp, "readelf", "-nW", tmp.resolve("m").toString());
        ElfNote buildId = elf.notes().stream().filter(x -> x.name().equals("GNU") && x.type() == 3).findFirst()
                .orElseThrow();
        StringBuilder hex = new StringBuilder();
        for (byte b : buildId.desc()) {
            hex.append(String.format("%02x", b));
        }
        assertThat(n).contains("Build ID: " + hex);
    }
}
