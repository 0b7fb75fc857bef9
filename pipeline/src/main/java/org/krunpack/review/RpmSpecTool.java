package org.krunpack.review;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rpmspec on a spec under review: does it parse, what is it once expanded (its %files, its
 * %install), what is its License. A spec is code ({@code %(...)} runs shell, {@code %{lua:...}}
 * runs Lua), so rpmspec runs only in the {@link Sandbox}, or unsandboxed with --trust-inputs.
 * Debian's rpm lacks rpmautospec's macros, so %autorelease and %autochangelog are defined locally,
 * and Fedora's directory macros are set to Fedora's values (Debian's rpm has its own).
 */
final class RpmSpecTool {
    /**
     * Macro families that Fedora's macro packages define (redhat-rpm-config with the forge macros,
     * cargo-rpm-macros, go-rpm-macros, pyproject-rpm-macros...): used but undefined on this host,
     * they make rpmspec fail where Fedora's would not.
     */
    static final Pattern FEDORA_MACROS = Pattern.compile("^(forge[a-z_]*|cargo_[a-z_0-9]+|rust_[a-z_0-9]+|crate[a-z_]*"
            + "|go[a-z_]+|gometa|pyproject_[a-z_]+|py3_[a-z_]+|python3_[a-z_]+|python_[a-z_]+|meson[a-z_]*"
            + "|cmake[a-z_0-9]*|set_build_flags|build_[a-z_]+flags|gpgverify|constrain_build|ldconfig_[a-z_]+"
            + "|autosetup|bcond|systemd_[a-z_]+|sysusers_[a-z_]+|tmpfiles_[a-z_]+|selinux_[a-z_]+"
            + "|license_[a-z_]+|toolchain|clang_[a-z_]+|gcc_[a-z_]+|make_build|make_install|configure)$");
    private static final Pattern USE = Pattern.compile("%\\{?[!?]*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Map<String, String> FEDORA_DIRS = Map.of(
            "_prefix", "/usr", "_exec_prefix", "/usr", "_bindir", "/usr/bin", "_sbindir", "/usr/bin",
            "_libdir", "/usr/lib64", "_includedir", "/usr/include", "_datadir", "/usr/share",
            "_libexecdir", "/usr/libexec", "_sysconfdir", "/etc", "_mandir", "/usr/share/man");

    private final Optional<Path> rpmspec;
    private final Sandbox sandbox;

    RpmSpecTool(Optional<Path> rpmspec, Sandbox sandbox) {
        this.rpmspec = rpmspec;
        this.sandbox = sandbox;
    }

    static RpmSpecTool fromPath(Sandbox sandbox) {
        return new RpmSpecTool(Tools.which("rpmspec"), sandbox);
    }

    /** Why rpmspec cannot run, or empty when it can. */
    Optional<String> unavailable() {
        if (rpmspec.isEmpty()) {
            return Optional.of("rpmspec is not on the PATH (Debian: apt-get install rpm; Fedora: dnf install rpm-build)");
        }
        if (!sandbox.canRun()) {
            return Optional.of("rpmspec was not run on the spec: " + sandbox.whyNot());
        }
        return Optional.empty();
    }

    private List<String> base(Path spec) {
        List<String> cmd = new ArrayList<>(List.of(rpmspec.orElseThrow().toString(),
                "--define", "autorelease 1%{?dist}",
                "--define", "autochangelog %{nil}",
                "--define", "_topdir " + spec.toAbsolutePath().getParent(),
                "--define", "_sourcedir " + spec.toAbsolutePath().getParent(),
                "--define", "buildroot " + FileList.BUILDROOT));
        FEDORA_DIRS.forEach((k, v) -> cmd.addAll(List.of("--define", k + " " + v)));
        return cmd;
    }

    private Sandbox.Result run(List<String> cmd) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("krunpack-rpmspec-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return sandbox.run(Sandbox.Request.of(cmd, scratch).withTimeout(Duration.ofSeconds(60)));
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    /** rpmspec -P in the sandbox: stdout is the expanded spec. */
    Sandbox.Result parse(Path spec) {
        List<String> cmd = base(spec);
        cmd.add("-P");
        cmd.add(spec.toAbsolutePath().toString());
        return run(cmd);
    }

    /** The main package's License as rpm expands it. */
    Optional<String> license(Path spec) {
        List<String> cmd = base(spec);
        cmd.addAll(List.of("-q", "--srpm", "--qf", "%{LICENSE}\\n", spec.toAbsolutePath().toString()));
        Sandbox.Result r = run(cmd);
        if (!r.ok() || r.stdout().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(r.stdout().strip().split("\n")[0]);
    }

    /**
     * The macros the spec uses that belong to Fedora's macro packages and that this host's rpm
     * does not define (asked with {@code rpm --eval} of krunpack's own expression: no spec code
     * runs).
     */
    static Set<String> missingFedoraMacros(SpecFile spec) {
        Set<String> used = new LinkedHashSet<>();
        for (String l : spec.lines()) {
            if (l.strip().startsWith("#")) {
                continue;
            }
            Matcher m = USE.matcher(l);
            while (m.find()) {
                if (FEDORA_MACROS.matcher(m.group(1)).matches()) {
                    used.add(m.group(1));
                }
            }
        }
        spec.macros().forEach(d -> used.remove(d.name()));
        if (used.isEmpty()) {
            return used;
        }
        Optional<Path> rpm = Tools.which("rpm");
        if (rpm.isEmpty()) {
            return used;
        }
        StringBuilder expr = new StringBuilder();
        List<String> names = new ArrayList<>(used);
        for (String n : names) {
            expr.append("%{?").append(n).append(":1}%{!?").append(n).append(":0}\n");
        }
        Tools.Result r = Tools.run(List.of(rpm.get().toString(), "--eval", expr.toString()), null, Map.of());
        String[] out = r.stdout().split("\n");
        Set<String> missing = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (i >= out.length || !out[i].strip().equals("1")) {
                missing.add(names.get(i));
            }
        }
        return missing;
    }
}
