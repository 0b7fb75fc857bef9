package org.krunpack.pipeline;

import java.nio.file.Path;

/** The values steps hand to later steps. */
public final class Keys {
    /** The kernel tarball used and its SHA-512 (sources). */
    public static final Key<Path> KERNEL_TARBALL = Key.path("kernel-tarball");
    public static final Key<String> KERNEL_SHA512 = Key.text("kernel-sha512");
    /** The release as given (tarball or tree) and its SHA-512 ("" for a tree) (sources). */
    public static final Key<Path> RELEASE_SOURCE = Key.path("release-source");
    public static final Key<String> RELEASE_SHA512 = Key.text("release-sha512");
    /** The release's directory, extracted (release); absent without a release. */
    public static final Key<Path> RELEASE_DIR = Key.path("release-dir");
    /** The kernel version the tree is (release, from the tarball's Makefile). */
    public static final Key<String> KERNEL_VERSION = Key.text("kernel-version");
    /** The kernel source tree (tree). */
    public static final Key<Path> TREE = Key.path("tree");
    /** What the tree holds: tarball + applied series, as a digest (patches). */
    public static final Key<String> TREE_STATE = Key.text("tree-state");
    /** The resolved config and its SHA-512 (config). */
    public static final Key<Path> CONFIG = Key.path("config");
    public static final Key<String> CONFIG_SHA512 = Key.text("config-sha512");
    /** The kernel image and its SHA-512 (kernel). */
    public static final Key<Path> IMAGE = Key.path("image");
    public static final Key<String> IMAGE_SHA512 = Key.text("image-sha512");
    /** The library and its SHA-512 (bundle). */
    public static final Key<Path> LIBRARY = Key.path("library");
    public static final Key<String> LIBRARY_SHA512 = Key.text("library-sha512");

    private Keys() {
    }
}
