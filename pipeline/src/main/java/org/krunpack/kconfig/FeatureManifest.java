package org.krunpack.kconfig;

import org.krunpack.core.yaml.YamlDoc;
import org.krunpack.core.yaml.YamlNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The feature manifest ({@code kernel-config/features.yaml}): named features a libkrun guest needs,
 * each with the Kconfig options that provide it and a probe the smoke test runs in the guest.
 *
 * <pre>
 * features:
 *   ext4: {options: [EXT4_FS], probe: {kind: filesystem, value: ext4}}
 * </pre>
 *
 * @param file     the manifest
 * @param features in file order
 */
public record FeatureManifest(Path file, List<Feature> features) {
    /** Probe kinds the smoke test knows (see docs/kernel-config.md, "The feature manifest"). */
    public static final Set<String> PROBE_KINDS = Set.of("virtio", "virtio-driver", "filesystem", "file",
            "namespaces", "cgroup2", "seccomp", "socket", "tsi-hijack");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9_]+");

    /**
     * A named feature.
     *
     * @param name    e.g. {@code virtio-blk}
     * @param options symbols without {@code CONFIG_}, all needed for the feature
     * @param probe   how the smoke test checks it at run time
     */
    public record Feature(String name, List<String> options, Probe probe) {
    }

    /**
     * A run-time probe. Kinds: {@code virtio} (a device id bound under /sys/bus/virtio),
     * {@code virtio-driver} (a driver name under /sys/bus/virtio/drivers), {@code filesystem} (a
     * name in /proc/filesystems), {@code file} (a path exists), {@code namespaces} (space-separated
     * names under /proc/self/ns), {@code socket} (an address family that socket(2) accepts).
     */
    public record Probe(String kind, String value) {
    }

    /** Loads and validates the manifest; every structural problem at once (exit 2, with its path and line). */
    public static FeatureManifest load(Path file) {
        YamlDoc doc = YamlDoc.read(file);
        List<Feature> features = new ArrayList<>();
        YamlNode fs = doc.root().get("features");
        if (!fs.isMap() || fs.entries().isEmpty()) {
            fs.problem("required: a mapping of feature name to {options: [...], probe: {kind, value}}");
        }
        for (Map.Entry<String, YamlNode> e : fs.entries().entrySet()) {
            YamlNode f = e.getValue();
            if (!NAME.matcher(e.getKey()).matches()) {
                f.problem("feature names are lower-case letters, digits, '-', '_' and '.'");
            }
            if (!f.isMap()) {
                f.problem("expected {options: [...], probe: {kind, value}}");
                continue;
            }
            List<String> options = new ArrayList<>();
            YamlNode os = f.get("options");
            if (os.list().isEmpty()) {
                os.problem("required: a non-empty list of symbols (without CONFIG_)");
            }
            for (YamlNode o : os.list()) {
                String s = o.string();
                if (s == null) {
                    continue;
                }
                if (s.startsWith("CONFIG_")) {
                    o.problem("'" + s + "': write the symbol without CONFIG_");
                } else if (!SYMBOL.matcher(s).matches()) {
                    o.problem("'" + s + "' is not a Kconfig symbol name");
                } else {
                    options.add(s);
                }
            }
            YamlNode p = f.get("probe");
            Probe probe = null;
            if (!p.isMap()) {
                p.problem("required: {kind: <" + String.join("|", new TreeSet<>(PROBE_KINDS)) + ">, value: ...}");
            } else {
                YamlNode kindNode = p.get("kind");
                String kind = kindNode.oneOf("", new TreeSet<>(PROBE_KINDS));
                YamlNode valueNode = p.get("value");
                String value = valueNode.string("");
                if (kind.isEmpty() && !kindNode.exists()) {
                    kindNode.problem("required: one of " + String.join(", ", new TreeSet<>(PROBE_KINDS)));
                }
                if (value.isBlank()) {
                    valueNode.problem("required: what the probe looks for");
                } else if ("file".equals(kind) && !value.startsWith("/")) {
                    valueNode.problem("a file probe needs an absolute path, not '" + value + "'");
                } else if ("virtio".equals(kind) && !value.matches("\\d+")) {
                    valueNode.problem("a virtio probe needs a device id number, not '" + value + "'");
                } else if ("socket".equals(kind) && !value.strip().toLowerCase(java.util.Locale.ROOT)
                        .matches("(vsock|tsi|tsi6|tsiu|40|46|47|48)(\\s+(stream|dgram))?")) {
                    valueNode.problem("a socket probe is '<family> [stream|dgram]' with family vsock, tsi, tsi6 or"
                            + " tsiu (40, 46, 47, 48), not '" + value + "'");
                } else if ("tsi-hijack".equals(kind) && !value.matches("inet|inet6")) {
                    valueNode.problem("a tsi-hijack probe names the hijacked family: inet or inet6, not '" + value + "'");
                }
                probe = new Probe(kind, value);
            }
            features.add(new Feature(e.getKey(), List.copyOf(options), probe));
        }
        doc.finish();
        return new FeatureManifest(file, List.copyOf(features));
    }

    /** The feature named {@code name}, or null. */
    public Feature feature(String name) {
        return features.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Warnings (not errors) about options the fragments do not request as y: a feature naming an
     * option no fragment sets (a typo, or an option left to Kconfig's defaults), or one set to n.
     */
    public List<String> warningsAgainst(List<Fragment> fragments) {
        Merge merge = Merge.of(fragments);
        Map<String, ConfigEntry> requested = new java.util.HashMap<>();
        for (ConfigEntry e : merge.entries()) {
            requested.put(e.symbol(), e);
        }
        List<String> warnings = new ArrayList<>();
        for (Feature f : features) {
            for (String o : f.options()) {
                ConfigEntry e = requested.get(o);
                if (e == null) {
                    warnings.add(file.getFileName() + ": features." + f.name() + ": CONFIG_" + o
                            + " is not set by any fragment (typo, or left to Kconfig's defaults?)");
                } else if (e.isOff()) {
                    warnings.add(file.getFileName() + ": features." + f.name() + ": CONFIG_" + o
                            + " is turned off at " + e.where());
                }
            }
        }
        return warnings;
    }

    /**
     * The features whose options are all on in an effective config (y or m): those the smoke test
     * should probe for a kernel built from it.
     */
    public List<Feature> enabledIn(Map<String, String> effective) {
        return features.stream().filter(f -> f.options().stream().allMatch(o -> {
            String v = effective.get(o);
            return "y".equals(v) || "m".equals(v);
        })).toList();
    }
}
