package org.krunpack.smoke;

import org.krunpack.core.KrunpackException;
import org.krunpack.kconfig.FeatureManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The feature manifest ({@code kernel-config/features.yaml}) as the smoke test needs it: each
 * feature's options and probe, read with {@link FeatureManifest}.
 */
public final class SmokeFeatures {
    /** Probe kinds the guest init can answer. */
    public static final Set<String> KINDS = FeatureManifest.PROBE_KINDS;

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

    /** Reads and validates the manifest with the kconfig stage's loader (every problem at once, exit 2). */
    public static List<Feature> load(Path file) {
        return FeatureManifest.load(file).features().stream()
                .map(f -> new Feature(f.name(), f.options(), f.probe().kind(), f.probe().value()))
                .toList();
    }

    /**
     * The options set in a kernel {@code .config} ({@code CONFIG_X=y|m|value}), without the
     * {@code CONFIG_} prefix. "is not set" and {@code =n} count as off.
     */
    public static Map<String, String> readConfig(Path config) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String line : org.krunpack.core.Inputs.readText(config, org.krunpack.core.Inputs.TEXT_LIMIT,
                "--kernel-config").lines().toList()) {
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
