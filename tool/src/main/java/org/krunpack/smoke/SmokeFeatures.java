package org.krunpack.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Problems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The feature manifest ({@code kernel-config/features.yaml}) as the smoke test needs it: each
 * feature's options and probe. (A private reader: the shared loader lives in the kconfig stage.)
 */
public final class SmokeFeatures {
    /** Probe kinds the guest init can answer. */
    public static final Set<String> KINDS = Set.of("virtio", "virtio-driver", "filesystem", "file",
            "namespaces", "cgroup2", "seccomp", "socket");

    /**
     * @param name    the feature's name
     * @param options the Kconfig options (without {@code CONFIG_}) that provide it
     * @param kind    probe kind
     * @param value   probe argument
     */
    public record Feature(String name, List<String> options, String kind, String value) {
        public Feature {
            options = List.copyOf(options);
        }
    }

    private SmokeFeatures() {
    }

    /** Reads and validates the manifest (every problem at once, exit code 2). */
    public static List<Feature> load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw KrunpackException.usage("cannot read feature manifest " + file + ": " + e.getMessage());
        }
        Problems problems = new Problems("feature manifest " + file);
        List<Feature> out = new ArrayList<>();
        JsonNode features = root == null ? null : root.get("features");
        if (features == null || !features.isObject()) {
            throw KrunpackException.usage(file + ": 'features' must be a map of feature name to"
                    + " {options: [...], probe: {kind, value}}");
        }
        for (var it = features.fields(); it.hasNext(); ) {
            var e = it.next();
            String where = "features." + e.getKey();
            JsonNode f = e.getValue();
            List<String> options = new ArrayList<>();
            JsonNode opts = f.get("options");
            if (opts == null || !opts.isArray() || opts.isEmpty()) {
                problems.add(where + ".options", "a non-empty list of Kconfig options is required");
            } else {
                opts.forEach(o -> options.add(o.asText().replaceFirst("^CONFIG_", "")));
            }
            JsonNode probe = f.get("probe");
            String kind = probe == null ? null : probe.path("kind").asText(null);
            String value = probe == null ? null : probe.path("value").asText(null);
            if (kind == null || !KINDS.contains(kind)) {
                problems.add(where + ".probe.kind", "'" + kind + "' is not one of " + KINDS.stream().sorted().toList());
            }
            if (value == null || value.isBlank()) {
                problems.add(where + ".probe.value", "required");
            } else if ("file".equals(kind) && !value.startsWith("/")) {
                problems.add(where + ".probe.value", "a file probe needs an absolute path, not '" + value + "'");
            } else if ("virtio".equals(kind) && !value.matches("\\d+")) {
                problems.add(where + ".probe.value", "a virtio probe needs a device id number, not '" + value + "'");
            }
            out.add(new Feature(e.getKey(), options, kind, value));
        }
        problems.throwIfAny();
        return out;
    }

    /**
     * The options set in a kernel {@code .config} ({@code CONFIG_X=y|m|value}), without the
     * {@code CONFIG_} prefix. "is not set" and {@code =n} count as off.
     */
    public static Map<String, String> readConfig(Path config) {
        Map<String, String> set = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(config)) {
                line = line.strip();
                if (!line.startsWith("CONFIG_")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String value = line.substring(eq + 1);
                if (!value.equals("n")) {
                    set.put(line.substring("CONFIG_".length(), eq), value);
                }
            }
        } catch (IOException e) {
            throw KrunpackException.usage("cannot read kernel config " + config + ": " + e.getMessage());
        }
        return set;
    }

    /** Paths the guest must check for the {@code file} probes. */
    public static List<String> probeFiles(List<Feature> features) {
        return features.stream().filter(f -> f.kind().equals("file")).map(Feature::value).distinct().toList();
    }

    /** Namespace names a {@code namespaces} probe value lists. */
    static List<String> words(String value) {
        return Arrays.stream(value.trim().split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
    }
}
