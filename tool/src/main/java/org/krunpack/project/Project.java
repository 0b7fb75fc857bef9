package org.krunpack.project;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated project file ({@code krunpack.yaml}). Paths are absolute, resolved against the
 * file's directory. Sections owned by later stages (packaging, copr) stay as raw trees and are
 * validated by their owners.
 *
 * @param file            the project file
 * @param baseDir         its directory
 * @param libkrunfw       library version and ABI
 * @param kernelVersion   the kernel version expected in the tarball (e.g. 6.12.117)
 * @param arch            target architecture
 * @param variant         libkrunfw variant
 * @param sourceDateEpoch SOURCE_DATE_EPOCH for every build step
 * @param kernelSources   kernel tarball candidates, tried in order (first available wins)
 * @param release         an optional libkrunfw release (source tree or tarball)
 * @param repositories    extra Maven repositories for Maven-coordinate sources
 * @param cacheDir        download cache (by digest)
 * @param patches         patch settings
 * @param config          kernel config settings
 * @param build           kernel build settings
 * @param raw             the whole parsed document, for sections owned by later stages
 */
public record Project(Path file, Path baseDir, Libkrunfw libkrunfw, String kernelVersion, Arch arch,
                      Variant variant, long sourceDateEpoch, List<SourceSpec> kernelSources,
                      SourceSpec release, List<Repository> repositories, Path cacheDir,
                      Patches patches, Config config, Build build, JsonNode raw) {

    /** libkrunfw's full version (FULL_VERSION) and ABI (ABI_VERSION). */
    public record Libkrunfw(String version, int abi) {
    }

    /** A Maven repository to resolve sources from. */
    public record Repository(String id, URI url) {
    }

    /**
     * @param series     our series file (patch names, one per line, relative to its directory); may be null
     * @param fromRelease apply the release's patches/0*.patch before ours
     * @param fuzz       maximum fuzz (0: hunks must match exactly, offsets allowed)
     */
    public record Patches(Path series, boolean fromRelease, int fuzz) {
    }

    /**
     * @param fragments   our fragments, merged in order (later wins)
     * @param full        a full config instead of fragments (may be null)
     * @param fromRelease take the release's full config for the arch and variant
     * @param strict      fail on redefinitions between fragments
     * @param features    the feature manifest (may be null)
     */
    public record Config(List<Path> fragments, Path full, boolean fromRelease, boolean strict, Path features) {
    }

    /**
     * @param jobs   make -j (0: number of CPUs)
     * @param ccache "auto" (use when present), "on" (require), "off"
     * @param user   KBUILD_BUILD_USER
     * @param host   KBUILD_BUILD_HOST
     */
    public record Build(int jobs, String ccache, String user, String host) {
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
