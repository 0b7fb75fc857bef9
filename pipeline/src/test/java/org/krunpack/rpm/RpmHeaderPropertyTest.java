package org.krunpack.rpm;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the header parser: any input gives a header or our error, never another exception. */
class RpmHeaderPropertyTest {
    /** One index entry to write: tag, type, and the raw data it points to. */
    record E(int tag, int type, int count, byte[] data) {
    }

    static byte[] header(List<E> entries) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer index = ByteBuffer.allocate(entries.size() * 16);
        for (E e : entries) {
            int align = switch (e.type()) {
                case 3 -> 2;
                case 4 -> 4;
                case 5 -> 8;
                default -> 1;
            };
            while (data.size() % align != 0) {
                data.write(0);
            }
            index.putInt(e.tag()).putInt(e.type()).putInt(data.size()).putInt(e.count());
            data.writeBytes(e.data());
        }
        ByteBuffer b = ByteBuffer.allocate(16 + index.capacity() + data.size());
        b.put(new byte[]{(byte) 0x8e, (byte) 0xad, (byte) 0xe8, 0x01, 0, 0, 0, 0});
        b.putInt(entries.size()).putInt(data.size()).put(index.array()).put(data.toByteArray());
        return b.array();
    }

    static E string(int tag, String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_8);
        return new E(tag, 6, 1, b);
    }

    static E strings(int tag, List<String> s) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        s.forEach(x -> o.writeBytes((x + "\0").getBytes(StandardCharsets.UTF_8)));
        return new E(tag, 8, s.size(), o.toByteArray());
    }

    static E ints(int tag, List<Integer> v) {
        ByteBuffer b = ByteBuffer.allocate(v.size() * 4);
        v.forEach(b::putInt);
        return new E(tag, 4, v.size(), b.array());
    }

    private static void parseOrOurError(byte[] bytes) {
        try {
            RpmHeader h = RpmHeader.parse(ByteBuffer.wrap(bytes), "test");
            for (int t : h.tags()) {
                h.string(t);
                h.strings(t);
                h.longs(t);
                h.bytes(t);
            }
            assertThat(h.length()).isLessThanOrEqualTo(bytes.length);
        } catch (RpmFormatException expected) {
            assertThat(expected.getMessage()).startsWith("test: ");
        }
    }

    @Property
    void randomBytesGiveAHeaderOrOurError(@ForAll @Size(max = 300) byte[] bytes) {
        parseOrOurError(bytes);
    }

    @Property
    void randomBytesAfterTheMagicGiveAHeaderOrOurError(@ForAll @Size(max = 300) byte[] tail) {
        byte[] b = new byte[8 + tail.length];
        b[0] = (byte) 0x8e;
        b[1] = (byte) 0xad;
        b[2] = (byte) 0xe8;
        b[3] = 1;
        System.arraycopy(tail, 0, b, 8, tail.length);
        parseOrOurError(b);
    }

    @Provide
    Arbitrary<List<E>> anyEntries() {
        Arbitrary<E> e = Combinators.combine(Arbitraries.integers().between(0, 6000),
                        Arbitraries.integers().between(-1, 11), Arbitraries.integers().between(-2, 40),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as(E::new);
        return e.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property
    void arbitraryIndexEntriesStayInBounds(@ForAll("anyEntries") List<E> entries) {
        parseOrOurError(header(entries));
    }

    @Property
    void flippedBytesOfAValidHeaderGiveAHeaderOrOurError(@ForAll @StringLength(max = 20) String name,
                                                         @ForAll @Size(max = 5) List<@StringLength(max = 10) String> files,
                                                         @ForAll @IntRange(min = 0, max = 400) int pos,
                                                         @ForAll byte xor) {
        byte[] b = header(List.of(string(RpmTag.NAME, name), strings(RpmTag.BASENAMES, files),
                ints(RpmTag.FILEMODES, files.stream().map(f -> 0100644).toList())));
        if (pos < b.length) {
            b[pos] ^= xor;
        }
        parseOrOurError(b);
    }

    @Property
    void writtenValuesReadBack(@ForAll @StringLength(min = 1, max = 30) String name,
                               @ForAll @Size(max = 8) List<@StringLength(max = 12) String> names,
                               @ForAll @Size(max = 8) List<Integer> values) {
        String n = name.replace("\0", "");
        List<String> ns = new ArrayList<>(names.stream().map(s -> s.replace("\0", "")).toList());
        List<E> entries = new ArrayList<>(List.of(string(RpmTag.NAME, n)));
        if (!ns.isEmpty()) {
            entries.add(strings(RpmTag.BASENAMES, ns));
        }
        if (!values.isEmpty()) {
            entries.add(ints(RpmTag.FILEMODES, values));
        }
        RpmHeader h = RpmHeader.parse(ByteBuffer.wrap(header(entries)), "test");
        assertThat(h.string(RpmTag.NAME)).contains(n);
        assertThat(h.strings(RpmTag.BASENAMES)).isEqualTo(ns);
        assertThat(h.longs(RpmTag.FILEMODES)).containsExactly(values.stream().mapToLong(Integer::toUnsignedLong).toArray());
    }

    @Property(tries = 200)
    void randomFilesGiveAPackageOrOurError(@ForAll @Size(max = 400) byte[] tail) throws Exception {
        Path f = Files.createTempFile("prop-", ".rpm");
        try {
            byte[] b = new byte[96 + tail.length];
            b[0] = (byte) 0xed;
            b[1] = (byte) 0xab;
            b[2] = (byte) 0xee;
            b[3] = (byte) 0xdb;
            b[4] = 3;
            System.arraycopy(tail, 0, b, 96, tail.length);
            Files.write(f, b);
            try {
                RpmPackage p = RpmPackage.read(f);
                p.files();
                p.provides();
                p.requires();
                p.scriptlets();
                RpmPayload.forEach(p, (path, mode, size, in) -> in.readAllBytes());
            } catch (RpmFormatException expected) {
                assertThat(expected.getMessage()).contains(f.toString());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
