package org.krunpack.smoke;

import org.krunpack.core.Artifact;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real consumer: boots the same root (as a directory, over virtio-fs) through libkrun, with the
 * library under test first on {@code LD_LIBRARY_PATH} so libkrun's {@code dlopen("libkrunfw.so.N")}
 * finds it, and checks the same markers. Runs only where libkrun is installed ({@code libkrun.h}
 * and {@code libkrun.so.1}) and hardware KVM is usable; otherwise it is skipped with the reason.
 * (Written from libkrun's documented C API; not exercised on hosts without libkrun.)
 */
public final class LibkrunBackend {
    static final String STEP = "smoke-libkrun";
    static final List<Path> INCLUDE_DIRS = List.of(Path.of("/usr/include"), Path.of("/usr/local/include"));
    static final List<Path> LIB_DIRS = List.of(Path.of("/usr/lib64"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib"), Path.of("/usr/local/lib64"),
            Path.of("/usr/local/lib"));
    private static final Pattern SONAME = Pattern.compile("^(lib[A-Za-z0-9_-]+\\.so\\.\\d+)");

    private LibkrunBackend() {
    }

    /** Where libkrun is: the header's directory and the library's directory. */
    record Install(Path includeDir, Path libDir) {
    }

    /** Finds libkrun, or explains why it is not usable. */
    static Optional<Install> find(List<Path> includeDirs, List<Path> libDirs) {
        Path inc = includeDirs.stream().filter(d -> Files.isRegularFile(d.resolve("libkrun.h"))).findFirst().orElse(null);
        Path lib = libDirs.stream().filter(d -> Files.exists(d.resolve("libkrun.so.1"))).findFirst().orElse(null);
        return inc == null || lib == null ? Optional.empty() : Optional.of(new Install(inc, lib));
    }

    /** The SONAME libkrun asks for, from the library's file name (libkrunfw.so.5.5.0 → libkrunfw.so.5). */
    static String soname(Path library, int abiVersion) {
        Matcher m = SONAME.matcher(library.getFileName().toString());
        if (m.find()) {
            return m.group(1);
        }
        return "libkrunfw.so." + (abiVersion > 0 ? abiVersion : 5);
    }

    static SmokeResult run(Smoke.Options o, SmokeResult qemuResult, List<SmokeFeatures.Feature> features,
                           Map<String, String> config, Consumer<String> log) {
        Optional<Install> install = find(INCLUDE_DIRS, LIB_DIRS);
        if (install.isEmpty()) {
            return SmokeResult.skipped(STEP, "libkrun is not installed (libkrun.h and libkrun.so.1 not found;"
                    + " Fedora: dnf install libkrun libkrun-devel)");
        }
        String noKvm = Accelerator.kvmUnusable(Path.of("/sys/module"), Path.of("/dev/kvm"));
        if (noKvm != null) {
            return SmokeResult.skipped(STEP, "libkrun needs hardware KVM: " + noKvm);
        }
        Path work = o.workDir().toAbsolutePath().resolve("libkrun");
        KernelBundle bundle = KernelBundle.load(o.library());
        Path libDir = work.resolve("lib");
        Path runner = work.resolve("krun_boot");
        try {
            Files.createDirectories(libDir);
            Path link = libDir.resolve(soname(bundle.library(), bundle.abiVersion()));
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, bundle.library());
            Path src = work.resolve("krun_boot.c");
            try (InputStream in = LibkrunBackend.class.getResourceAsStream("/org/krunpack/smoke/krun_boot.c")) {
                Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
            }
            Path gcc = Tools.require("gcc", "gcc", "gcc");
            Tools.check(List.of(gcc.toString(), "-O2", "-I" + install.get().includeDir(), "-o", runner.toString(),
                    src.toString(), "-L" + install.get().libDir(), "-lkrun"), work, null);
        } catch (IOException e) {
            throw KrunpackException.external("cannot prepare the libkrun backend in " + work + ": " + e.getMessage());
        }
        RootFs root = RootFs.build(work, o.init(), SmokeFeatures.probeFiles(features));
        String ldPath = libDir + Optional.ofNullable(System.getenv("LD_LIBRARY_PATH")).map(p -> ":" + p).orElse("");
        Duration timeout = o.timeout() != null ? o.timeout() : Duration.ofSeconds(20);
        Path console = work.resolve("console.log");
        log.accept("smoke: booting through libkrun (" + install.get().libDir().resolve("libkrun.so.1") + ")");
        VmRun run = VmRun.run(List.of(runner.toString(), root.dir().toString()), work,
                Map.of("LD_LIBRARY_PATH", ldPath), timeout, console, null);
        List<String> failures = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", "libkrun");
        details.put("library", bundle.library().toString());
        details.put("accelerator", Map.of("name", "kvm", "reason", "libkrun always uses KVM"));
        details.put("libkrun", install.get().libDir().resolve("libkrun.so.1").toString());
        summary.add("libkrun: " + install.get().libDir().resolve("libkrun.so.1") + ", library first on"
                + " LD_LIBRARY_PATH as " + libDir);
        summary.add("accelerator: kvm (libkrun always uses KVM)");
        Smoke.judge(run, 0, timeout, features, config, failures, summary, details);
        return Smoke.finish(STEP, failures, summary, details, List.of(new Artifact("smoke-libkrun-console", console)), run);
    }
}
