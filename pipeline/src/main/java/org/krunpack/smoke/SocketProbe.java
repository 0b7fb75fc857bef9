package org.krunpack.smoke;

import java.util.Locale;
import java.util.Map;

/**
 * A socket probe of the feature manifest: {@code "<family> [stream|dgram]"}, the family a name
 * (vsock, tsi, tsi6, tsiu) or a number. The guest's init reports {@code socket.<family>.<type>}
 * for the families libkrun uses.
 *
 * @param family the address family number
 * @param type   SOCK_STREAM (1) or SOCK_DGRAM (2)
 * @param name   the family as written
 */
public record SocketProbe(int family, int type, String name) {
    /** The families libkrun guests use (TSI's are libkrunfw's, with no libc constant). */
    static final Map<String, Integer> FAMILIES = Map.of("vsock", 40, "tsi", 46, "tsi6", 47, "tsiu", 48);

    /** Parses a probe value; a malformed one is an IllegalArgumentException with the reason. */
    public static SocketProbe parse(String value) {
        String[] w = value.strip().toLowerCase(Locale.ROOT).split("\\s+");
        if (w.length < 1 || w.length > 2 || w[0].isEmpty()) {
            throw new IllegalArgumentException("'" + value + "': expected '<family> [stream|dgram]'");
        }
        int type = w.length == 1 || w[1].equals("stream") ? 1 : w[1].equals("dgram") ? 2 : -1;
        if (type < 0) {
            throw new IllegalArgumentException("'" + value + "': the type is stream or dgram, not '" + w[1] + "'");
        }
        return new SocketProbe(family(w[0]), type, w[0]);
    }

    /** A family by name or number. */
    static int family(String name) {
        Integer f = FAMILIES.get(name);
        if (f != null) {
            return f;
        }
        if (name.matches("[0-9]{1,3}") && FAMILIES.containsValue(Integer.parseInt(name))) {
            return Integer.parseInt(name);
        }
        throw new IllegalArgumentException("'" + name + "' is not a family the guest probes (one of "
                + String.join(", ", new java.util.TreeSet<>(FAMILIES.keySet())) + ", or their numbers 40, 46-48)");
    }

    /** The report key, {@code socket.46.1}. */
    String key() {
        return "socket." + family + "." + type;
    }

    /** The key older guests reported (vsock stream only). */
    String legacyKey() {
        return family == 40 && type == 1 ? "vsock" : null;
    }

    String describe() {
        return "socket(" + (name.matches("[0-9]+") ? name : "AF_" + name.toUpperCase(Locale.ROOT) + "=" + family)
                + ", SOCK_" + (type == 1 ? "STREAM" : "DGRAM") + ")";
    }
}
