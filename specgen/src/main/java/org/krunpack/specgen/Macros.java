package org.krunpack.specgen;

import java.util.List;
import java.util.Set;

/**
 * Expands the few macros a model's Source URL may use, so krunpack knows the file name rpmbuild
 * will look for ({@code %{url}/archive/v%{version}/%{name}-%{version}.tar.gz} →
 * {@code libkrunfw-5.5.0.tar.gz}).
 */
public final class Macros {
    /** Macros a Source URL may use; {@code %{kernel}} is {@code linux-<kernel version>} as in the spec. */
    public static final Set<String> KNOWN = Set.of("name", "version", "url", "kernel");

    private Macros() {
    }

    public static String expand(PackageModel p, String s) {
        String out = s.replace("%{url}", p.url())
                .replace("%{name}", p.name())
                .replace("%{version}", p.version())
                .replace("%{kernel}", "linux-" + p.kernel());
        if (out.contains("%{")) {
            throw new ModelException("packages." + p.name(), List.of("cannot expand '" + s + "'"));
        }
        return out;
    }

    /** The file name rpmbuild expects in {@code _sourcedir} for a Source URL (its last path segment). */
    public static String sourceFileName(PackageModel p, PackageModel.Source s) {
        String u = expand(p, s.url());
        return u.substring(u.lastIndexOf('/') + 1);
    }
}
