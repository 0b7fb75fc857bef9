package org.krunpack.smoke;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the guest's init printed: the start and end markers and its {@code KRUNPACK-REPORT key=value}
 * lines. Kernel messages may share the console, so a report line is recognised anywhere in a line.
 *
 * @param started true when {@link #START} was seen
 * @param ended   true when {@link #END} was seen (the report is complete)
 * @param facts   every key with its last value, in the order first seen
 */
public record GuestReport(boolean started, boolean ended, Map<String, String> facts) {
    public static final String START = "KRUNPACK-SMOKE-START";
    public static final String END = "KRUNPACK-SMOKE-END";
    public static final String PREFIX = "KRUNPACK-REPORT ";

    /** A virtio device the guest sees: its sysfs name, virtio device id and bound driver ("-": none). */
    public record VirtioDevice(String name, int id, String driver) {
    }

    public GuestReport {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    /** Parses console lines (carriage returns are ignored). */
    public static GuestReport parse(List<String> lines) {
        boolean started = false;
        boolean ended = false;
        Map<String, String> facts = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.replace("\r", "");
            if (line.contains(START)) {
                started = true;
            }
            if (line.contains(END)) {
                ended = true;
            }
            int at = line.indexOf(PREFIX);
            if (at < 0) {
                continue;
            }
            String kv = line.substring(at + PREFIX.length());
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            facts.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return new GuestReport(started, ended, facts);
    }

    public String get(String key) {
        return facts.get(key);
    }

    public String release() {
        return facts.get("release");
    }

    public String linuxVersion() {
        String v = facts.get("linux_version");
        return v == null || v.equals("-") ? null : v;
    }

    /** A number fact, or -1 when absent or not a number. */
    public long number(String key) {
        try {
            return Long.parseLong(facts.getOrDefault(key, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public List<VirtioDevice> virtioDevices() {
        List<VirtioDevice> out = new ArrayList<>();
        for (var e : facts.entrySet()) {
            if (!e.getKey().startsWith("virtio.")) {
                continue;
            }
            String[] parts = e.getValue().split("\\s+");
            int id;
            try {
                id = Integer.parseInt(parts[0]);
            } catch (NumberFormatException ex) {
                id = -1;
            }
            out.add(new VirtioDevice(e.getKey().substring("virtio.".length()), id,
                    parts.length > 1 ? parts[1] : "-"));
        }
        return out;
    }

    public Set<String> virtioDrivers() {
        return list("virtio_drivers");
    }

    public Set<String> filesystems() {
        return list("filesystems");
    }

    /** A comma-separated fact as a set (empty when absent). */
    public Set<String> list(String key) {
        String v = facts.get(key);
        if (v == null || v.isBlank()) {
            return Set.of();
        }
        return new LinkedHashSet<>(Arrays.asList(v.split(",")));
    }
}
