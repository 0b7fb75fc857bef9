package org.krunpack.review;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class BootImageScannerTest {
    private static byte[] zeros(int n) {
        return new byte[n];
    }

    private static java.util.List<String> scan(byte[] b) {
        return BootImageScanner.scan(b, b);
    }

    @Test
    void plainDataIsNotBootable() {
        assertThat(scan(zeros(40000))).isEmpty();
        assertThat(scan("hello".getBytes())).isEmpty();
        assertThat(scan(new byte[0])).isEmpty();
    }

    @Test
    void bzImageSetupHeader() {
        byte[] b = zeros(4096);
        System.arraycopy("HdrS".getBytes(), 0, b, 0x202, 4);
        assertThat(scan(b)).singleElement().asString().contains("bzImage");
    }

    @Test
    void peAndUki() {
        byte[] b = zeros(4096);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        b[0] = 'M';
        b[1] = 'Z';
        bb.putInt(0x3c, 0x80);
        b[0x80] = 'P';
        b[0x81] = 'E';
        bb.putShort(0x80 + 6, (short) 2); // two sections
        bb.putShort(0x80 + 20, (short) 0xf0); // optional header size
        int table = 0x80 + 24 + 0xf0;
        System.arraycopy(".text".getBytes(), 0, b, table, 5);
        assertThat(scan(b)).singleElement().asString().contains("PE/COFF");
        System.arraycopy(".linux".getBytes(), 0, b, table + 40, 6);
        assertThat(scan(b)).hasSize(2).anySatisfy(s -> assertThat(s).contains("Unified Kernel Image"));
        // MZ alone (no PE signature) is not an EFI executable
        byte[] mz = zeros(256);
        mz[0] = 'M';
        mz[1] = 'Z';
        assertThat(scan(mz)).isEmpty();
    }

    @Test
    void multibootHeadersOnlyWithValidChecksumAndAlignment() {
        byte[] b = zeros(32768);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0x1000, 0x1BADB002).putInt(0x1004, 3).putInt(0x1008, -(0x1BADB002 + 3));
        assertThat(scan(b)).singleElement().asString().contains("multiboot header at 0x1000");

        byte[] c = zeros(32768);
        ByteBuffer cb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        cb.putInt(0x7ff0, 0xE85250D6).putInt(0x7ff4, 0).putInt(0x7ff8, 16).putInt(0x7ffc, -(0xE85250D6 + 16));
        assertThat(scan(c)).singleElement().asString().contains("multiboot2 header at 0x7ff0");

        byte[] bad = zeros(32768);
        ByteBuffer xb = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
        xb.putInt(0x1000, 0x1BADB002).putInt(0x1004, 3).putInt(0x1008, 7); // wrong checksum
        xb.putInt(0x2004, 0xE85250D6).putInt(0x2008, 0).putInt(0x200c, 16).putInt(0x2010, -(0xE85250D6 + 16)); // 4-aligned only
        assertThat(scan(bad)).isEmpty();
    }

    private static byte[] elf(int type, long entry) {
        byte[] b = zeros(64);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        b[4] = 2;
        b[5] = 1;
        bb.putShort(16, (short) type);
        bb.putLong(24, entry);
        return b;
    }

    @Test
    void elfKernelImage() {
        assertThat(scan(elf(2, 0xffffffff81000000L))).singleElement().asString().contains("ELF kernel image");
        assertThat(scan(elf(2, 0x1000000L))).singleElement().asString().contains("ELF kernel image");
        assertThat(scan(elf(2, 0x401000L))).as("an ordinary executable").isEmpty();
        assertThat(scan(elf(3, 0xffffffff81000000L))).as("a shared object").isEmpty();
    }
}
