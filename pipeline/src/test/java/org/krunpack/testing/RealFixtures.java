package org.krunpack.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real upstream release tarballs in {@code ../shared/fixtures/} (relative to the repository's
 * root), used where they are: never copied into the project. A test that needs them and cannot find
 * them fails, naming where it looked.
 */
public final class RealFixtures {
    public static final String LIBKRUNFW_540_SHA512 = "340f1da49fe3b39c741d2b8035c3eeacd8b0196ec3abc4ca766e802f521a46be"
            + "5c4895f559687fefbcd168c49b4611bb70154f793bcbaa074f7d638b64273716";
    public static final String LIBKRUNFW_550_SHA512 = "d6176ba33bf444f73f91fe4c042f5f9ac17d5db6ff373fd30f29d17b675c7438"
            + "b4c94e10e8401e54a997beb374f5966f76ad8447bc8d19b28a6a27164c759db2";
    public static final String REFRESHED_0008_SHA512 = "a01a0164af7656afb15a8a18c8d317be3f5820e7666c00d566b9c0d9fff99e7a"
            + "2c5fd216388f37c25e5f382b7ba3f647c9df7de042a57059228c463a212d75e1";
    /** Debian's linux-source-6.12 (6.12.117), installed by scripts/setup-deps. */
    public static final Path DEBIAN_KERNEL = Path.of("/usr/src/linux-source-6.12.tar.xz");
    public static final String DEBIAN_KERNEL_SHA512 = "c0d7905ec54f61780f8c911d0a5f152e58cb7dd91de9356bc9ac1dc09e38dc99"
            + "0798b54fe1f45696ce63bd79e3490ed9c3fa7c9dac9a5dbf95af3b7f25ff8838";

    private RealFixtures() {
    }

    /** The repository's root (the tests run in a module directory). */
    public static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("krunpack.yaml")) && Files.isDirectory(p.resolve("kernel-config"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + here);
    }

    /** {@code <repo>/../shared/fixtures}, else /work/shared/fixtures; fails loudly when neither exists. */
    public static Path dir() {
        Path a = repoRoot().resolve("../shared/fixtures").normalize();
        if (Files.isDirectory(a)) {
            return a;
        }
        Path b = Path.of("/work/shared/fixtures");
        if (Files.isDirectory(b)) {
            return b;
        }
        throw new AssertionError("the real upstream fixtures are missing: looked in " + a + " and " + b
                + " (the repository's ../shared/fixtures/); these tests need them");
    }

    /** A fixture file by its path under the fixtures directory, e.g. {@code libkrun/libkrun-1.18.1.tar.gz}. */
    public static Path file(String relative) {
        return require(dir().resolve(relative));
    }

    public static Path libkrunfw(String version) {
        return require(dir().resolve("libkrunfw/libkrunfw-" + version + ".tar.gz"));
    }

    /** crun 1.21's release tarball as Debian ships it (top directory crun-1.21/). */
    public static Path crun121() {
        return require(dir().resolve("crun/crun_1.21.orig.tar.gz"));
    }

    /** libkrun 1.18.1's release (git archive of tag v1.18.1, top directory libkrun-1.18.1/). */
    public static Path libkrun1181() {
        return require(dir().resolve("libkrun/libkrun-1.18.1.tar.gz"));
    }

    public static Path refreshed0008() {
        return require(dir().resolve("libkrunfw/rebase-6.12.117/0008-virtio-vsock-support-dgrams.patch"));
    }

    public static Path debianKernel() {
        return require(DEBIAN_KERNEL);
    }

    /**
     * Project-file lines for the real libkrunfw 5.5.0 release on Debian's 6.12.117 for x86_64
     * (libkrunfw, kernel, arch, sourceDateEpoch, sources); a test adds patches, config and the rest.
     */
    public static String release550OnDebianKernel() {
        return """
                libkrunfw: {version: "5.5.0", abi: 5}
                kernel: {version: "6.12.117"}
                arch: x86_64
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {path: %s, name: linux-6.12.117.tar.xz, sha512: %s}
                  release: {path: %s, sha512: %s}
                """.formatted(debianKernel(), DEBIAN_KERNEL_SHA512, libkrunfw("5.5.0"), LIBKRUNFW_550_SHA512);
    }

    /**
     * The {@code config:} section of the x86_64 CI kernel: the small CI base, the x86_64 layer and the
     * release layer (TSI, vsock datagrams, ...), strict, with the feature manifest.
     */
    public static String ciConfigX86_64() {
        Path kc = repoRoot().resolve("kernel-config");
        return """
                config:
                  fragments:
                    - %s/ci/10-ci-base.config
                    - %s/30-x86_64.config
                    - %s/40-libkrunfw-patches.config
                  features: %s/features.yaml
                  strict: true
                """.formatted(kc, kc, kc, kc);
    }

    /** The {@code patches:} section the maintainer's rebase needs: the release's with the refreshed 0008, then our series. */
    public static String release550PatchesWithRefreshed0008() {
        return """
                patches:
                  fromRelease: true
                  series: %s/patches/series
                  release:
                    - patch: 0008-virtio-vsock-support-dgrams.patch
                      replace: %s
                      sha512: %s
                      reason: refreshed for 6.12.117 (virtio_transport_alloc_skb gained an argument)
                """.formatted(repoRoot(), refreshed0008(), REFRESHED_0008_SHA512);
    }

    private static Path require(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new AssertionError(p + " is missing (fixture or Debian's linux-source-6.12: run scripts/setup-deps)");
        }
        return p;
    }
}
