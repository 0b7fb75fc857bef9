package org.krunpack.review;

import org.krunpack.core.Tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * rpmspec, where macro expansion matters: does the spec parse, and what is its expanded License.
 * Debian's rpm lacks the rpmautospec macros, so %autorelease and %autochangelog are defined locally.
 */
final class RpmSpecTool {
    private final Optional<Path> rpmspec;

    RpmSpecTool(Optional<Path> rpmspec) {
        this.rpmspec = rpmspec;
    }

    static RpmSpecTool fromPath() {
        return new RpmSpecTool(Tools.which("rpmspec"));
    }

    boolean available() {
        return rpmspec.isPresent();
    }

    private List<String> base(Path spec) {
        List<String> cmd = new ArrayList<>(List.of(rpmspec.orElseThrow().toString(),
                "--define", "autorelease 1%{?dist}",
                "--define", "autochangelog %{nil}",
                "--define", "_topdir " + spec.toAbsolutePath().getParent()));
        return cmd;
    }

    /** rpmspec -P; an empty result means it parsed, else the error text. */
    Tools.Result parse(Path spec) {
        List<String> cmd = base(spec);
        cmd.add("-P");
        cmd.add(spec.toString());
        return Tools.run(cmd, null, Map.of());
    }

    /** The main package's License as rpm expands it. */
    Optional<String> license(Path spec) {
        List<String> cmd = base(spec);
        cmd.addAll(List.of("-q", "--srpm", "--qf", "%{LICENSE}\\n", spec.toString()));
        Tools.Result r = Tools.run(cmd, null, Map.of());
        if (!r.ok() || r.stdout().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(r.stdout().strip().split("\n")[0]);
    }
}
