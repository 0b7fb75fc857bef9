package org.krunpack.kbuild;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Progress;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the kernel image in a configured tree: {@code make -jN vmlinux} (x86_64) or {@code Image},
 * reproducibly (fixed timestamp, user, host and build number), with ccache when asked or present,
 * the log in a file and progress on a terminal.
 */
public final class KernelBuild {
    /** A make output line announcing one compile or link step ("  CC      kernel/fork.o"). */
    private static final Pattern STEP = Pattern.compile("^\\s{2}[A-Z][A-Z0-9_]{1,9}\\s+\\S.*");
    private static final Pattern ERROR = Pattern.compile(
            "(error:|Error \\d+|\\*\\*\\*|undefined reference|fatal error|No rule to make target)");

    /** Build settings. */
    public record Request(Path tree, Arch arch, Path outDir, long sourceDateEpoch, int jobs, String ccache,
                          String user, String host) {
    }

    private KernelBuild() {
    }

    /** The KBUILD_BUILD_TIMESTAMP string for an epoch, in the format of date(1) in UTC. */
    public static String timestamp(long epoch) {
        return DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT)
                .format(Instant.ofEpochSecond(epoch).atOffset(ZoneOffset.UTC));
    }

    /** The variables that make the build reproducible (also recorded in the report). */
    public static Map<String, String> reproducibleEnv(long epoch, String user, String host) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KBUILD_BUILD_TIMESTAMP", timestamp(epoch));
        env.put("KBUILD_BUILD_USER", user);
        env.put("KBUILD_BUILD_HOST", host);
        env.put("KBUILD_BUILD_VERSION", "1");
        env.put("SOURCE_DATE_EPOCH", Long.toString(epoch));
        env.put("LC_ALL", "C");
        env.put("TZ", "UTC");
        return env;
    }

    public static BuildResult run(Request req, PrintStream progressOut, boolean terminal) {
        Path tree = req.tree();
        if (!Files.isRegularFile(tree.resolve("Makefile")) || !Files.isRegularFile(tree.resolve(".config"))) {
            throw KrunpackException.usage(tree + ": not a configured kernel tree (no Makefile or .config):"
                    + " run 'krunpack config' first");
        }
        Tools.require("make", "make", "make");
        Tools.require("gcc", "build-essential", "gcc");
        for (String[] t : new String[][] {{"flex", "flex", "flex"}, {"bison", "bison", "bison"}, {"bc", "bc", "bc"}}) {
            Tools.require(t[0], t[1], t[2]);
        }
        boolean useCcache = switch (req.ccache()) {
            case "off" -> false;
            case "on" -> {
                Tools.require("ccache", "ccache", "ccache");
                yield true;
            }
            default -> Tools.which("ccache").isPresent();
        };
        int jobs = req.jobs() > 0 ? req.jobs() : Runtime.getRuntime().availableProcessors();
        Map<String, String> env = reproducibleEnv(req.sourceDateEpoch(), req.user(), req.host());
        Map<String, String> procEnv = new LinkedHashMap<>(env);
        if (useCcache) {
            // Relative paths inside the tree let the cache hit across tree locations.
            procEnv.put("CCACHE_BASEDIR", tree.toAbsolutePath().toString());
        }
        List<String> cmd = new ArrayList<>(List.of("make", "-j" + jobs, "ARCH=" + req.arch().kernelArch()));
        if (useCcache) {
            cmd.add("CC=ccache gcc");
        }
        cmd.add(req.arch().makeTarget());

        Path kernelOut = req.outDir().resolve("kernel");
        Path log = kernelOut.resolve("build.log");
        Path countFile = kernelOut.resolve(".steps");
        try {
            Files.createDirectories(kernelOut);
        } catch (IOException e) {
            throw KrunpackException.external("cannot create " + kernelOut + ": " + e.getMessage(), e);
        }
        long expected = readExpected(countFile);
        Progress progress = new Progress(progressOut, terminal, "build");
        int[] steps = {0};
        long start = System.nanoTime();
        int rc = Tools.runLogged(cmd, tree, procEnv, log, line -> {
            if (STEP.matcher(line).matches()) {
                steps[0]++;
                progress.update(steps[0], expected > 0 ? Math.max(expected, steps[0]) : 0, line.strip());
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rc != 0) {
            progress.done("failed after " + String.format("%.0f s", seconds));
            throw new KrunpackException(ExitCode.EXTERNAL, "kernel build failed (make exited " + rc + ")"
                    + errorLines(log) + "\nfull log: " + log);
        }
        progress.done(String.format("done in %.1f s (%d steps)", seconds, steps[0]));
        if (steps[0] > 50) {
            AtomicFiles.writeString(countFile, Integer.toString(steps[0]));
        }
        Path built = tree.resolve(req.arch().imagePath());
        if (!Files.isRegularFile(built)) {
            throw KrunpackException.external("make succeeded but " + built + " is missing; see " + log);
        }
        Path image = kernelOut.resolve(built.getFileName());
        AtomicFiles.write(image, tmp -> Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING));
        return new BuildResult(image, log, seconds, steps[0], useCcache, jobs, env);
    }

    private static long readExpected(Path countFile) {
        try {
            return Files.isRegularFile(countFile) ? Long.parseLong(Files.readString(countFile).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The error lines of a failed build log (at most 30), indented. */
    static String errorLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> errors = new ArrayList<>();
            for (String l : lines) {
                if (ERROR.matcher(l).find()) {
                    errors.add("  " + l);
                }
            }
            if (errors.isEmpty()) {
                return Tools.tail("\nlast lines of the log:\n", String.join("\n", lines), 20);
            }
            return "\nerrors:\n" + String.join("\n", errors.subList(Math.max(0, errors.size() - 30), errors.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
