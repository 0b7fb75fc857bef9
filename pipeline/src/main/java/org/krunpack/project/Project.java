package org.krunpack.project;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated project file ({@code krunpack.yaml}), every section typed. Paths are absolute,
 * resolved against the file's directory. The reference is docs/user-guide.md ("The project file").
 *
 * @param file            the project file
 * @param baseDir         its directory
 * @param libkrunfw       library version and ABI
 * @param kernelVersion   the kernel to build on (e.g. 6.12.117); wins over the release's
 *                        KERNEL_VERSION (a difference is a rebase, reported); null: the tarball's
 * @param arch            target architecture
 * @param variant         libkrunfw variant
 * @param sourceDateEpoch SOURCE_DATE_EPOCH for every build step
 * @param kernelSources   kernel tarball candidates, tried in order (first available wins)
 * @param releases        libkrunfw release candidates (source tree or tarball), tried in order like
 *                        the kernel's; empty without a release
 * @param repositories    extra Maven repositories for Maven-coordinate sources
 * @param cacheDir        download cache (by digest)
 * @param limits          bounds on extracting archives
 * @param patches         patch settings, with the per-patch decisions for the release's patches
 * @param config          kernel config settings
 * @param build           kernel build settings
 * @param cache           the shared build cache (a Maven repository), or null
 * @param packaging       the packaging section (defaults when absent)
 * @param copr            the copr section, or null when absent
 */
public record Project(Path file, Path baseDir, Libkrunfw libkrunfw, String kernelVersion, Arch arch,
                      Variant variant, long sourceDateEpoch, List<SourceSpec> kernelSources,
                      List<SourceSpec> releases, List<Repository> repositories, Path cacheDir,
                      org.krunpack.archive.ExtractLimits limits,
                      Patches patches, Config config, Build build, Cache cache, PackagingConfig packaging,
                      CoprSettings copr) {

    /** libkrunfw's full version (FULL_VERSION) and ABI (ABI_VERSION). */
    public record Libkrunfw(String version, int abi) {
    }

    /** A Maven repository to resolve sources from. */
    public record Repository(String id, URI url) {
    }

    /**
     * @param series      our series file (patch names, one per line, relative to its directory); may be null
     * @param fromRelease apply the release's patches/0*.patch before ours
     * @param fuzz        maximum fuzz for every patch without its own decision (0: exact context)
     * @param decisions   per-patch decisions for the release's patches, in file order
     */
    public record Patches(Path series, boolean fromRelease, int fuzz, List<PatchDecision> decisions) {
        /** The decision for a release patch file name, if any. */
        public Optional<PatchDecision> decisionFor(String patchFileName) {
            return decisions.stream().filter(d -> d.patch().equals(patchFileName)).findFirst();
        }
    }

    /**
     * What to do with one of the release's patches, and why.
     *
     * @param where       the entry's path in the project file, for messages
     * @param patch       the release patch's file name, e.g. {@code 0008-virtio-vsock-support-dgrams.patch}
     * @param action      exclude, replace or fuzz
     * @param replacement the replacing patch (replace only)
     * @param sha512      the replacement's expected SHA-512, or null
     * @param fuzz        the fuzz allowed for this patch (fuzz only)
     * @param reason      the maintainer's written reason (required)
     */
    public record PatchDecision(String where, String patch, Action action, Path replacement, String sha512,
                                int fuzz, String reason) {
        /** The kinds of decision. */
        public enum Action { EXCLUDE, REPLACE, FUZZ;

            public String id() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /**
     * @param fragments   our fragments, merged in order (later wins)
     * @param full        a full config instead of fragments (may be null)
     * @param fromRelease take the release's full config for the arch and variant
     * @param strict      fail on redefinitions between fragments
     * @param features    the feature manifest (may be null)
     * @param exempt      symbol (without {@code CONFIG_}) → the maintainer's reason for accepting that
     *                    the kernel drops or changes it, for a full or the release's config ({@code config.exempt})
     */
    public record Config(List<Path> fragments, Path full, boolean fromRelease, boolean strict, Path features,
                         java.util.Map<String, String> exempt) {
        public Config {
            exempt = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(exempt));
        }

        public Config(List<Path> fragments, Path full, boolean fromRelease, boolean strict, Path features) {
            this(fragments, full, fromRelease, strict, features, java.util.Map.of());
        }
    }

    /**
     * @param jobs         make -j (0: number of CPUs)
     * @param ccache       "auto" (use when present), "on" (require), "off"
     * @param user         KBUILD_BUILD_USER
     * @param host         KBUILD_BUILD_HOST
     * @param crossCompile CROSS_COMPILE prefix (e.g. aarch64-linux-gnu-), or null: found for the arch
     */
    public record Build(int jobs, String ccache, String user, String host, String crossCompile) {
    }

    /**
     * The shared build cache: step outputs deployed to and resolved from a Maven repository.
     *
     * @param repository a repository URL (https, or http on loopback) or a local directory
     * @param serverId   the {@code <server>} id in Maven's settings.xml holding its credentials
     */
    public record Cache(URI repository, String serverId) {
    }

    /** The first release candidate (the release as the project names it), or null without one. */
    public SourceSpec release() {
        return releases.isEmpty() ? null : releases.get(0);
    }

    /** {@code libkrunfw[-variant].so.<full version>}. */
    public String libraryFileName() {
        return variant.libraryBaseName() + ".so." + libkrunfw.version();
    }

    /** {@code libkrunfw[-variant].so.<abi>}, the SONAME. */
    public String soname() {
        return variant.libraryBaseName() + ".so." + libkrunfw.abi();
    }
}
