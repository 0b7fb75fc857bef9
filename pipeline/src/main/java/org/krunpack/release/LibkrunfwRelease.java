package org.krunpack.release;

import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A libkrunfw release used as input: its Makefile's versions, its patch series and its full
 * kernel configs.
 *
 * @param root          the release's top directory (the tree, or where its tarball was extracted)
 * @param makefile      {@code root/Makefile}
 * @param kernelName    KERNEL_VERSION as written, e.g. {@code linux-6.12.91}
 * @param kernelVersion the kernel version without the {@code linux-} prefix, e.g. {@code 6.12.91}
 * @param abiVersion    ABI_VERSION, e.g. {@code 5}
 * @param fullVersion   FULL_VERSION, e.g. {@code 5.5.0}
 * @param patches       {@code patches/0*.patch}, sorted by name
 * @param teePatches    {@code patches-tee/0*.patch}, sorted by name (SEV/TDX only; may be empty)
 */
public record LibkrunfwRelease(Path root, Path makefile, String kernelName, String kernelVersion,
                               String abiVersion, String fullVersion, List<Path> patches, List<Path> teePatches) {
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    /**
     * Opens a release: a directory is read in place; a tarball is extracted (safely, its single
     * top-level directory stripped) into {@code workDir/libkrunfw}, replacing what was there.
     */
    public static LibkrunfwRelease open(Path treeOrTarball, Path workDir) {
        return open(treeOrTarball, workDir, SafeExtractor.Options.DEFAULTS);
    }

    /**
     * As {@link #open(Path, Path)}, a tarball extracted within {@code options}' bounds, its bytes
     * digested as they are extracted and checked against {@code options.sha512()} when set.
     */
    public static LibkrunfwRelease open(Path treeOrTarball, Path workDir, SafeExtractor.Options options) {
        if (Files.isDirectory(treeOrTarball)) {
            return read(treeOrTarball);
        }
        if (!Files.isRegularFile(treeOrTarball)) {
            throw KrunpackException.usage(treeOrTarball + ": libkrunfw release not found (expected a source tree"
                    + " or a tarball)");
        }
        Path dir = workDir.resolve("libkrunfw");
        SafeExtractor.extract(treeOrTarball, dir, true, options);
        return read(dir);
    }

    /** Reads a release tree. */
    public static LibkrunfwRelease read(Path root) {
        Path makefile = root.resolve("Makefile");
        if (!Files.isRegularFile(makefile)) {
            throw KrunpackException.usage(root + ": not a libkrunfw source tree (no Makefile)");
        }
        MakefileVars vars = MakefileVars.read(makefile);
        String kernelName = vars.require("KERNEL_VERSION");
        String abi = vars.require("ABI_VERSION");
        String full = vars.require("FULL_VERSION");
        String kernelVersion = kernelName.startsWith("linux-") ? kernelName.substring("linux-".length()) : kernelName;
        if (!VERSION.matcher(kernelVersion).matches()) {
            throw KrunpackException.usage(makefile + ": KERNEL_VERSION '" + kernelName
                    + "' is not like linux-6.12.91");
        }
        if (!abi.matches("[0-9]+")) {
            throw KrunpackException.usage(makefile + ": ABI_VERSION '" + abi + "' is not a number");
        }
        if (!VERSION.matcher(full).matches()) {
            throw KrunpackException.usage(makefile + ": FULL_VERSION '" + full + "' is not like 5.5.0");
        }
        return new LibkrunfwRelease(root, makefile, kernelName, kernelVersion, abi, full,
                patchList(root.resolve("patches")), patchList(root.resolve("patches-tee")));
    }

    private static List<Path> patchList(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("0") && n.endsWith(".patch") && Files.isRegularFile(p);
            }).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw KrunpackException.usage("cannot list " + dir + ": " + e.getMessage());
        }
    }

    /** The patches to apply for a variant: the release's series, then (SEV, TDX) its TEE series. */
    public List<Path> patches(Variant variant) {
        if (variant == Variant.GENERIC) {
            return patches;
        }
        return Stream.concat(patches.stream(), teePatches.stream()).toList();
    }

    /**
     * The firmware a TEE variant's library carries: {@code qboot/<variant>/bios.bin} (the release
     * keeps one qboot build per variant); a usage error for the generic variant or when it is missing.
     */
    public Path qboot(Variant variant) {
        if (variant == Variant.GENERIC) {
            throw KrunpackException.usage("the generic libkrunfw carries no qboot firmware");
        }
        return teeFile(Path.of("qboot", variant.id(), "bios.bin"), variant);
    }

    /** The initrd a TEE variant's library carries: {@code initrd/initrd.gz} (one for SEV and TDX). */
    public Path initrd(Variant variant) {
        if (variant == Variant.GENERIC) {
            throw KrunpackException.usage("the generic libkrunfw carries no initrd");
        }
        return teeFile(Path.of("initrd", "initrd.gz"), variant);
    }

    private Path teeFile(Path rel, Variant variant) {
        Path p = root.resolve(rel);
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw KrunpackException.usage(root + ": the release has no " + rel + ", which the " + variant.id()
                    + " library carries: use a release that ships it, or variant: generic");
        }
        return p;
    }

    /** The config file name for an arch and variant, e.g. {@code config-libkrunfw-sev_x86_64}. */
    public static String configName(Arch arch, Variant variant) {
        return "config-" + variant.libraryBaseName() + "_" + arch.rpmName();
    }

    /** The release's full kernel config for an arch and variant; a usage error when it has none. */
    public Path config(Arch arch, Variant variant) {
        Path p = root.resolve(configName(arch, variant));
        if (Files.isRegularFile(p)) {
            return p;
        }
        List<String> have;
        try (Stream<Path> s = Files.list(root)) {
            have = s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("config-libkrunfw")).sorted()
                    .toList();
        } catch (IOException e) {
            have = List.of();
        }
        throw KrunpackException.usage(root + ": the release has no " + configName(arch, variant) + " for arch "
                + arch.rpmName() + " and variant " + variant.id() + " (it has: "
                + (have.isEmpty() ? "none" : String.join(", ", have)) + ")");
    }
}
