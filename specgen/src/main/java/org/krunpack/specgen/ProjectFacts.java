package org.krunpack.specgen;

import java.util.List;

/**
 * What the project file ({@code krunpack.yaml}) says about a package of the model: the values the
 * pipeline built with. They are the one source of truth: the model file does not state them, and
 * when it does they must agree (else a problem naming both fields).
 *
 * @param pkg            the model's package name ({@code libkrunfw})
 * @param file           the project file as named in messages ({@code krunpack.yaml})
 * @param version        the upstream version ({@code libkrunfw.version})
 * @param kernel         the bundled kernel ({@code kernel.version}), or "" when the project leaves it to the tarball
 * @param abi            the SONAME major ({@code libkrunfw.abi})
 * @param releasePatches the decisions of {@code patches.release}, in the project file's order
 * @param inputs         the project's own kernel patches and kernel configuration
 */
public record ProjectFacts(String pkg, String file, String version, String kernel, int abi,
                           List<PackageModel.ReleasePatch> releasePatches, PackageModel.ProjectInputs inputs) {
    public ProjectFacts {
        releasePatches = List.copyOf(releasePatches);
        inputs = inputs == null ? PackageModel.ProjectInputs.NONE : inputs;
    }

    /** Facts without own patches or configuration. */
    public ProjectFacts(String pkg, String file, String version, String kernel, int abi,
                        List<PackageModel.ReleasePatch> releasePatches) {
        this(pkg, file, version, kernel, abi, releasePatches, PackageModel.ProjectInputs.NONE);
    }

    /** The project-file key a model key comes from. */
    public static String projectKey(String modelKey) {
        return switch (modelKey) {
            case "version" -> "libkrunfw.version";
            case "kernel" -> "kernel.version";
            case "abi" -> "libkrunfw.abi";
            default -> throw new IllegalArgumentException(modelKey);
        };
    }

    /** The facts for {@code pkg} in {@code facts}, or null. */
    public static ProjectFacts of(List<ProjectFacts> facts, String pkg) {
        return facts.stream().filter(f -> f.pkg().equals(pkg)).findFirst().orElse(null);
    }
}
