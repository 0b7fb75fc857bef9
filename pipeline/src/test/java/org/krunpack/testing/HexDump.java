package org.krunpack.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A reviewable text form of a binary file for golden files: 16 bytes a line with the offset, hex
 * and printable ASCII; a run of lines equal to the one before is one {@code *} line (as
 * {@code hexdump -C} prints it), so the zero padding of a 64 KiB-aligned array costs one line.
 */
public final class HexDump {
    private HexDump() {
    }

    public static String of(Path file) throws IOException {
        return of(Files.readAllBytes(file));
    }

    public static String of(byte[] b) {
        StringBuilder s = new StringBuilder();
        String previous = null;
        boolean starred = false;
        for (int off = 0; off < b.length; off += 16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder ascii = new StringBuilder();
            for (int i = off; i < off + 16; i++) {
                if (i < b.length) {
                    hex.append(String.format("%02x ", b[i] & 0xff));
                    ascii.append(b[i] >= 0x20 && b[i] < 0x7f ? (char) b[i] : '.');
                } else {
                    hex.append("   ");
                }
                if (i == off + 7) {
                    hex.append(' ');
                }
            }
            String line = hex + " |" + ascii + "|";
            if (line.equals(previous) && off + 16 < b.length) {
                if (!starred) {
                    s.append("*\n");
                    starred = true;
                }
                continue;
            }
            starred = false;
            previous = line;
            s.append(String.format("%08x  ", off)).append(line).append('\n');
        }
        s.append(String.format("%08x%n", b.length));
        return s.toString();
    }
}
