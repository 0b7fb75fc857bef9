package org.krunpack.smoke;

import org.krunpack.smoke.SmokeFeatures.Feature;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the features the kernel config claims with what the guest reported.
 *
 * @param feature  the manifest entry
 * @param expected true when every option behind it is set in the config (or no config was given)
 * @param present  true when the guest's probe found it
 * @param detail   what the probe saw
 */
public record FeatureCheck(Feature feature, boolean expected, boolean present, String detail) {
    /** A feature fails when the config claims it and the guest lacks it. */
    public boolean failed() {
        return expected && !present;
    }

    /** One line naming the feature, the options behind it and what the guest lacked. */
    public String describe() {
        return feature.name() + " (" + String.join(", ", feature.options().stream().map(o -> "CONFIG_" + o).toList())
                + "): " + detail;
    }

    /**
     * Checks every feature. {@code config} maps set options to values; null means no config is
     * known and every feature is expected.
     */
    public static List<FeatureCheck> check(List<Feature> features, Map<String, String> config, GuestReport report) {
        List<FeatureCheck> out = new ArrayList<>();
        for (Feature f : features) {
            boolean expected = config == null || f.options().stream().allMatch(config::containsKey);
            String[] probe = probe(f, report);
            out.add(new FeatureCheck(f, expected, probe[0] != null, probe[0] != null ? probe[0] : probe[1]));
        }
        return out;
    }

    /** {found-detail, missing-detail}: exactly one is non-null. */
    private static String[] probe(Feature f, GuestReport r) {
        String v = f.value();
        switch (f.kind()) {
            case "virtio" -> {
                int id = Integer.parseInt(v);
                for (var d : r.virtioDevices()) {
                    if (d.id() == id && !d.driver().equals("-")) {
                        return found("virtio device id " + id + " bound to " + d.driver() + " (" + d.name() + ")");
                    }
                }
                return missing("no virtio device with id " + id + " bound to a driver in /sys/bus/virtio/devices");
            }
            case "virtio-driver" -> {
                return r.virtioDrivers().contains(v) ? found("virtio driver " + v + " registered")
                        : missing("virtio driver " + v + " not in /sys/bus/virtio/drivers");
            }
            case "filesystem" -> {
                return r.filesystems().contains(v) ? found(v + " in /proc/filesystems")
                        : missing(v + " not in /proc/filesystems");
            }
            case "file" -> {
                String seen = r.get("file." + v);
                return "yes".equals(seen) ? found(v + " exists")
                        : missing(v + (seen == null ? " was not probed" : " does not exist"));
            }
            case "namespaces" -> {
                List<String> bad = new ArrayList<>();
                for (String ns : SmokeFeatures.words(v)) {
                    String seen = r.get("ns." + ns);
                    if (!"ok".equals(seen)) {
                        bad.add(ns + ": " + (seen == null ? "not probed" : seen));
                    }
                }
                return bad.isEmpty() ? found("unshare works for " + v)
                        : missing("unshare failed: " + String.join(", ", bad));
            }
            case "cgroup2" -> {
                String seen = r.get("cgroup2");
                return "mounted".equals(seen) ? found("cgroup2 mounted")
                        : missing("cgroup2 mount: " + (seen == null ? "not probed" : seen));
            }
            case "seccomp" -> {
                String seen = r.get("seccomp.prctl");
                return "ok".equals(seen) ? found("prctl(PR_GET_SECCOMP) works")
                        : missing("prctl(PR_GET_SECCOMP): " + (seen == null ? "not probed" : seen));
            }
            case "socket" -> {
                SocketProbe sp = SocketProbe.parse(v);
                String seen = sp.legacyKey() != null && r.get(sp.key()) == null ? r.get(sp.legacyKey()) : r.get(sp.key());
                return "ok".equals(seen) ? found(sp.describe() + " works")
                        : missing(sp.describe() + ": " + (seen == null ? "not probed" : seen));
            }
            case "tsi-hijack" -> {
                String seen = r.get("tsi.hijack");
                String want = "af-" + SocketProbe.family(v.equals("inet") ? "tsi" : v.equals("inet6") ? "tsi6" : v);
                return want.equals(seen) ? found("with tsi_hijack on, socket(AF_INET, SOCK_STREAM) made a TSI socket ("
                        + seen + ")") : missing("tsi_hijack: " + (seen == null ? "not probed" : seen)
                        + " (expected " + want + ")");
            }
            default -> {
                return missing("unknown probe kind " + f.kind());
            }
        }
    }

    private static String[] found(String s) {
        return new String[] {s, null};
    }

    private static String[] missing(String s) {
        return new String[] {null, s};
    }
}
