package org.krunpack.elf;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.krunpack.core.KrunpackException;
import org.krunpack.testing.ElfBuilder;
import org.krunpack.testing.TestKernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader never fails with anything but our error, and reads back what the test writer wrote. */
class ElfFileProperties {
    private static final byte[] VALID_LIB = new ElfBuilder().type(Elf.ET_DYN)
            .section(new ElfBuilder.Section(".data", Elf.SHT_PROGBITS, 3, 0x10000, new byte[64], 65536))
            .symbol(new ElfBuilder.Symbol("KERNEL_BUNDLE", 0x10000, 64, 1, Elf.STB_GLOBAL, Elf.STT_OBJECT))
            .soname("libkrunfw.so.5").needed("libc.so.6")
            .note(new ElfBuilder.Note("GNU", 3, new byte[20]))
            .load(0, 0, new byte[100], 100)
            .build();
    private static final byte[] VALID_VMLINUX = TestKernels.fakeVmlinux(7);

    @Property(tries = 500)
    void randomBytesOnlyEverGiveOurError(@ForAll @Size(max = 300) byte[] bytes, @ForAll boolean withMagic) {
        if (withMagic && bytes.length >= 7) {
            bytes[0] = 0x7f;
            bytes[1] = 'E';
            bytes[2] = 'L';
            bytes[3] = 'F';
            bytes[4] = 2;
            bytes[5] = 1;
            bytes[6] = 1;
        }
        parseOrOurError(bytes);
    }

    @Property(tries = 600)
    void mutatedFilesOnlyEverGiveOurError(@ForAll @IntRange(min = 1, max = 8) int mutations, @ForAll long seed,
                                          @ForAll boolean lib) {
        byte[] b = (lib ? VALID_LIB : VALID_VMLINUX).clone();
        Random r = new Random(seed);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < mutations; i++) {
            // Mostly the headers and tables, where a wrong number does harm; sometimes anywhere.
            int limit = r.nextInt(4) == 0 ? b.length : Math.min(b.length, 600);
            int at = r.nextInt(limit);
            switch (r.nextInt(4)) {
                case 0 -> b[at] = (byte) r.nextInt();
                case 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 2 -> {
                    if (at + 8 <= b.length) {
                        bb.putLong(at, r.nextBoolean() ? r.nextLong() : -1L - r.nextInt(3));
                    }
                }
                default -> {
                    if (at + 4 <= b.length) {
                        bb.putInt(at, r.nextInt(1 << 20));
                    }
                }
            }
        }
        if (r.nextInt(5) == 0) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        }
        parseOrOurError(b);
    }

    private static void parseOrOurError(byte[] bytes) {
        try {
            ElfFile elf = ElfFile.parse("fuzzed", bytes);
            assertThat(elf.fileSize()).isEqualTo(bytes.length);
        } catch (KrunpackException e) {
            assertThat(e.getMessage()).startsWith("fuzzed: ");
        }
    }

    record Seg(long vaddr, long paddr, int filesz, int extra) {
    }

    record Sym(String name, long value, long size, int binding, int type) {
    }

    @Provide
    Arbitrary<List<Seg>> segments() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 300),
                Arbitraries.integers().between(0, 1000)).as(Seg::new).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Sym>> symbols() {
        return Combinators.combine(Arbitraries.strings().withCharRange('A', 'z').ofMinLength(1).ofMaxLength(30),
                Arbitraries.longs(), Arbitraries.longs().greaterOrEqual(0), Arbitraries.of(1, 2),
                Arbitraries.of(0, 1, 2)).as(Sym::new).list().ofMaxSize(10);
    }

    @Property(tries = 200)
    void generatedFilesRoundTrip(@ForAll("segments") List<Seg> segs, @ForAll("symbols") List<Sym> syms,
                                 @ForAll @IntRange(min = 0, max = 3) int neededCount, @ForAll boolean withSoname,
                                 @ForAll long entry, @ForAll @Size(max = 40) byte[] noteDesc, @ForAll long seed) {
        Random r = new Random(seed);
        ElfBuilder b = new ElfBuilder().type(Elf.ET_DYN).machine(Elf.EM_AARCH64).entry(entry);
        b.section(new ElfBuilder.Section(".data", Elf.SHT_PROGBITS, 3, 0x4000, new byte[32], 8));
        for (Seg s : segs) {
            byte[] data = new byte[s.filesz()];
            r.nextBytes(data);
            b.load(s.vaddr(), s.paddr(), data, (long) s.filesz() + s.extra());
        }
        for (Sym s : syms) {
            b.symbol(new ElfBuilder.Symbol(s.name(), s.value(), s.size(), 1, s.binding(), s.type()));
        }
        List<String> needed = new ArrayList<>();
        for (int i = 0; i < neededCount; i++) {
            needed.add("libdep" + i + ".so." + i);
            b.needed(needed.get(i));
        }
        if (withSoname) {
            b.soname("libkrunfw-sev.so.5");
        }
        b.note(new ElfBuilder.Note("Xen", 18, noteDesc));
        ElfFile elf = ElfFile.parse("generated", b.build());

        assertThat(elf.header().type()).isEqualTo(Elf.ET_DYN);
        assertThat(elf.header().machine()).isEqualTo(Elf.EM_AARCH64);
        assertThat(elf.header().entry()).isEqualTo(entry);
        List<ProgramHeader> loads = elf.loadSegments();
        assertThat(loads).hasSize(segs.size());
        for (int i = 0; i < segs.size(); i++) {
            assertThat(loads.get(i).vaddr()).isEqualTo(segs.get(i).vaddr());
            assertThat(loads.get(i).paddr()).isEqualTo(segs.get(i).paddr());
            assertThat(loads.get(i).filesz()).isEqualTo(segs.get(i).filesz());
            assertThat(loads.get(i).memsz()).isEqualTo(segs.get(i).filesz() + segs.get(i).extra());
        }
        assertThat(elf.needed()).isEqualTo(needed);
        assertThat(elf.soname()).isEqualTo(withSoname ? "libkrunfw-sev.so.5" : null);
        List<ElfSymbol> read = elf.dynamicSymbols();
        boolean anyDynamic = !syms.isEmpty() || withSoname || neededCount > 0;
        assertThat(read).hasSize(anyDynamic ? syms.size() + 1 : 0);
        for (int i = 0; i < syms.size(); i++) {
            Sym s = syms.get(i);
            assertThat(read.get(i + 1)).isEqualTo(new ElfSymbol(s.name(), s.value(), s.size(), 1, s.binding(),
                    s.type()));
        }
        assertThat(elf.notes()).containsExactly(new ElfNote("Xen", 18, noteDesc));
        Set<String> names = new LinkedHashSet<>();
        elf.sections().forEach(s -> names.add(s.name()));
        assertThat(names).contains(".data", ".shstrtab", ".note");
    }
}
