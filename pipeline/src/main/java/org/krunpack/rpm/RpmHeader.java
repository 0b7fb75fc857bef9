package org.krunpack.rpm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One RPM header structure (the signature or the main header): an index of tagged entries and the
 * data store they point into. Parsing checks every bound, so random bytes give an
 * {@link RpmFormatException}, never an index or buffer exception.
 */
public final class RpmHeader {
    static final int MAX_ENTRIES = 0x10000;
    static final int MAX_DATA = 256 * 1024 * 1024;
    private static final byte[] MAGIC = {(byte) 0x8e, (byte) 0xad, (byte) 0xe8, 0x01};

    private static final int NULL = 0;
    private static final int CHAR = 1;
    private static final int INT8 = 2;
    private static final int INT16 = 3;
    private static final int INT32 = 4;
    private static final int INT64 = 5;
    private static final int STRING = 6;
    private static final int BIN = 7;
    private static final int STRING_ARRAY = 8;
    private static final int I18NSTRING = 9;

    private final Map<Integer, Object> values;
    private final int length;

    private RpmHeader(Map<Integer, Object> values, int length) {
        this.values = values;
        this.length = length;
    }

    /** Bytes this header occupies in the file (intro, index and data store; no padding). */
    public int length() {
        return length;
    }

    /** Tag numbers present, in index order. */
    public List<Integer> tags() {
        return List.copyOf(values.keySet());
    }

    public boolean has(int tag) {
        return values.containsKey(tag);
    }

    /** The first string of a STRING, STRING_ARRAY or I18NSTRING entry. */
    public Optional<String> string(int tag) {
        Object v = values.get(tag);
        if (v instanceof String s) {
            return Optional.of(s);
        }
        if (v instanceof String[] a && a.length > 0) {
            return Optional.of(a[0]);
        }
        return Optional.empty();
    }

    /** The strings of a string entry; an empty list when the tag is absent. */
    public List<String> strings(int tag) {
        Object v = values.get(tag);
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof String[] a) {
            return List.of(a);
        }
        return List.of();
    }

    /** The values of an integer entry (INT8..INT64, unsigned widened); empty when absent. */
    public long[] longs(int tag) {
        Object v = values.get(tag);
        return v instanceof long[] a ? a.clone() : new long[0];
    }

    public Optional<byte[]> bytes(int tag) {
        Object v = values.get(tag);
        return v instanceof byte[] b ? Optional.of(b.clone()) : Optional.empty();
    }

    /**
     * Parses a header starting at {@code buf}'s position; on return the position is just after the
     * data store.
     *
     * @param where names the file and the structure for error messages
     */
    public static RpmHeader parse(ByteBuffer buf, String where) {
        buf.order(ByteOrder.BIG_ENDIAN);
        int start = buf.position();
        if (buf.remaining() < 16) {
            throw new RpmFormatException(where + ": truncated (header intro needs 16 bytes, "
                    + buf.remaining() + " left)");
        }
        for (byte b : MAGIC) {
            if (buf.get() != b) {
                throw new RpmFormatException(where + ": bad header magic at offset " + start
                        + " (expected 8e ad e8 01): the file is corrupted or not an RPM");
            }
        }
        buf.getInt(); // reserved
        long nindex = Integer.toUnsignedLong(buf.getInt());
        long hsize = Integer.toUnsignedLong(buf.getInt());
        if (nindex == 0 || nindex > MAX_ENTRIES) {
            throw new RpmFormatException(where + ": implausible index entry count " + nindex);
        }
        if (hsize > MAX_DATA) {
            throw new RpmFormatException(where + ": implausible data size " + hsize);
        }
        long need = nindex * 16 + hsize;
        if (buf.remaining() < need) {
            throw new RpmFormatException(where + ": truncated (index and data need " + need
                    + " bytes, " + buf.remaining() + " left)");
        }
        int indexStart = buf.position();
        int dataStart = indexStart + (int) nindex * 16;
        int dataLen = (int) hsize;
        Map<Integer, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < nindex; i++) {
            int p = indexStart + i * 16;
            int tag = buf.getInt(p);
            int type = buf.getInt(p + 4);
            long offset = Integer.toUnsignedLong(buf.getInt(p + 8));
            long count = Integer.toUnsignedLong(buf.getInt(p + 12));
            String entry = where + ": entry " + i + " (tag " + tag + ")";
            if (offset > dataLen) {
                throw new RpmFormatException(entry + ": offset " + offset + " beyond data size " + dataLen);
            }
            if (count > dataLen + 1L && type != NULL) {
                throw new RpmFormatException(entry + ": count " + count + " exceeds data size " + dataLen);
            }
            values.put(tag, value(buf, dataStart, dataLen, (int) offset, (int) count, type, entry));
        }
        buf.position(dataStart + dataLen);
        return new RpmHeader(Collections.unmodifiableMap(values), dataStart + dataLen - start);
    }

    private static Object value(ByteBuffer buf, int dataStart, int dataLen, int off, int count, int type,
                                String entry) {
        switch (type) {
            case NULL:
                return new long[0];
            case CHAR:
            case INT8:
            case BIN: {
                checkRange(off, count, 1, dataLen, entry);
                byte[] b = new byte[count];
                buf.get(dataStart + off, b);
                if (type == BIN) {
                    return b;
                }
                long[] r = new long[count];
                for (int i = 0; i < count; i++) {
                    r[i] = b[i] & 0xff;
                }
                return r;
            }
            case INT16:
            case INT32:
            case INT64: {
                int width = type == INT16 ? 2 : type == INT32 ? 4 : 8;
                checkRange(off, count, width, dataLen, entry);
                long[] r = new long[count];
                for (int i = 0; i < count; i++) {
                    int p = dataStart + off + i * width;
                    r[i] = switch (width) {
                        case 2 -> buf.getShort(p) & 0xffffL;
                        case 4 -> Integer.toUnsignedLong(buf.getInt(p));
                        default -> buf.getLong(p);
                    };
                }
                return r;
            }
            case STRING:
                return readStrings(buf, dataStart, dataLen, off, 1, entry)[0];
            case STRING_ARRAY:
            case I18NSTRING:
                return readStrings(buf, dataStart, dataLen, off, count, entry);
            default:
                throw new RpmFormatException(entry + ": unknown data type " + type);
        }
    }

    private static void checkRange(int off, int count, int width, int dataLen, String entry) {
        long end = (long) off + (long) count * width;
        if (end > dataLen) {
            throw new RpmFormatException(entry + ": " + count + " values of " + width
                    + " bytes at offset " + off + " run past the data store (" + dataLen + " bytes)");
        }
    }

    private static String[] readStrings(ByteBuffer buf, int dataStart, int dataLen, int off, int count,
                                        String entry) {
        List<String> out = new ArrayList<>(Math.min(count, 1024));
        int p = off;
        for (int i = 0; i < count; i++) {
            int end = p;
            while (end < dataLen && buf.get(dataStart + end) != 0) {
                end++;
            }
            if (end >= dataLen) {
                throw new RpmFormatException(entry + ": string " + i + " is not terminated inside the data store");
            }
            byte[] b = new byte[end - p];
            buf.get(dataStart + p, b);
            out.add(new String(b, StandardCharsets.UTF_8));
            p = end + 1;
        }
        return out.toArray(String[]::new);
    }
}
