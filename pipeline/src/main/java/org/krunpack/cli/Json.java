package org.krunpack.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * The JSON writer used for {@code --format json}. A report is maps, lists, strings, numbers,
 * booleans, paths and enums: those are written here, in exactly the layout of Jackson's indented
 * output, without creating an {@code ObjectMapper} (whose start-up costs a command more than its
 * work). Anything else goes to Jackson.
 */
public final class Json {
    private Json() {
    }

    /** Jackson, created on first use. */
    private static final class Jackson {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer()));
    }

    public static String write(Object value) {
        if (simple(value)) {
            StringBuilder s = new StringBuilder();
            write(s, value, 0);
            return s.toString();
        }
        try {
            return Jackson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise report", e);
        }
    }

    public static ObjectMapper mapper() {
        return Jackson.MAPPER;
    }

    /** True when {@code v} holds only what {@link #write(StringBuilder, Object, int)} writes. */
    static boolean simple(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short || v instanceof Byte || v instanceof Path || v instanceof Enum<?>) {
            return true;
        }
        if (v instanceof Double d) {
            return Double.isFinite(d);
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String) || !simple(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (!simple(o)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Jackson's DefaultPrettyPrinter: objects indented by two spaces a level, arrays on one line. */
    private static void write(StringBuilder s, Object v, int level) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                s.append("{ }");
                return;
            }
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append(first ? "" : ",").append('\n');
                first = false;
                indent(s, level + 1);
                string(s, (String) e.getKey());
                s.append(" : ");
                write(s, e.getValue(), level + 1);
            }
            s.append('\n');
            indent(s, level);
            s.append('}');
        } else if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                s.append("[ ]");
                return;
            }
            s.append("[ ");
            boolean first = true;
            for (Object o : c) {
                s.append(first ? "" : ", ");
                first = false;
                write(s, o, level);
            }
            s.append(" ]");
        } else if (v instanceof String || v instanceof Path) {
            string(s, v.toString());
        } else if (v instanceof Enum<?> e) {
            string(s, e.name());
        } else {
            s.append(v); // Boolean, Integer, Long, Short, Byte, finite Double
        }
    }

    private static void indent(StringBuilder s, int level) {
        s.append("  ".repeat(level));
    }

    /** A string as Jackson escapes it: quote, backslash and control characters. */
    private static void string(StringBuilder s, String text) {
        s.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04X", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
