package org.krunpack.kbuild;

import org.krunpack.core.AtomicFiles;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Progress;
import org.krunpack.core.Tools;
import org.krunpack.project.Arch;
import java.util.regex.Matcher;

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
 * Builds the kernel image out of tree ({@code make -C <tree> O=<build dir>}): {@code vmlinux}
 * (x86_64) or {@code Image}, reproducibly (fixed timestamp, user, host and build number), with the
 * toolchain's compiler (ccache when asked or present), the log in a file and progress. Also
 * compiles the files a patch series touches before the full build, so a patch that applies but does
 * not compile fails in minutes, naming the patch.
 */
public final class KernelBuild {
    /** A make output line announcing one compile or link step ("  CC      kernel/fork.o"). */
    private static final Pattern STEP = Pattern.compile("^\\s{2}[A-Z][A-Z0-9_]{1,9}\\s+\\S.*");
    private static final Pattern ERROR = Pattern.compile(
            "(error:|Error \\d+|\\*\\*\\*|undefined reference|fatal error|No rule to make target)");

    /**
     * Build settings.
     *
     * @param tree      the configured source tree (not written to)
     * @param buildDir  the build directory holding .config and the objects
     * @param toolchain the compiler
     * @param kernelDir where the image and the log are copied
     */
    public record Request(Path tree, Path buildDir, Toolchain toolchain, Path kernelDir, long sourceDateEpoch,
                          int jobs, String user, String host) {
        public Arch arch() {
            return toolchain.arch();
        }
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

    private static void requireTools(Request req) {
        Path tree = req.tree();
        if (!Files.isRegularFile(tree.resolve("Makefile")) || !Files.isRegularFile(req.buildDir().resolve(".config"))) {
            throw KrunpackException.usage(req.buildDir() + ": not a configured build directory (no .config):"
                    + " run 'krunpack config' first");
        }
        Tools.require("make", "make", "make");
        for (String[] t : new String[][] {{"flex", "flex", "flex"}, {"bison", "bison", "bison"}, {"bc", "bc", "bc"}}) {
            Tools.require(t[0], t[1], t[2]);
        }
    }

    private static int jobs(Request req) {
        return req.jobs() > 0 ? req.jobs() : Runtime.getRuntime().availableProcessors();
    }

    /** make's environment: the reproducibility variables, and ccache's base directory. */
    private static Map<String, String> env(Request req) {
        Map<String, String> procEnv = new LinkedHashMap<>(reproducibleEnv(req.sourceDateEpoch(), req.user(), req.host()));
        if (req.toolchain().ccache()) {
            // Paths below the common parent of tree and build directory become relative in ccache's
            // hash, so the cache hits across workspaces with the same layout.
            procEnv.put("CCACHE_BASEDIR", commonParent(req.tree(), req.buildDir()).toString());
        }
        return procEnv;
    }

    private static List<String> make(Request req, int jobs, String... targets) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", req.tree().toAbsolutePath().toString(),
                "O=" + req.buildDir().toAbsolutePath(), "-j" + jobs));
        cmd.addAll(req.toolchain().makeArgs());
        cmd.addAll(List.of(targets));
        return cmd;
    }

    public static BuildResult run(Request req, PrintStream progressOut, boolean terminal) {
        requireTools(req);
        int jobs = jobs(req);
        List<String> cmd = make(req, jobs, req.arch().makeTarget());
        Path kernelOut = req.kernelDir();
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
        int rc = Tools.runLogged(cmd, req.tree(), env(req), log, line -> {
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
        Path built = req.buildDir().resolve(req.arch().imagePath());
        if (!Files.isRegularFile(built)) {
            throw KrunpackException.external("make succeeded but " + built + " is missing; see " + log);
        }
        Path image = kernelOut.resolve(built.getFileName());
        AtomicFiles.write(image, tmp -> Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING));
        return new BuildResult(image, log, seconds, steps[0], req.toolchain().ccache(), jobs,
                reproducibleEnv(req.sourceDateEpoch(), req.user(), req.host()));
    }

    /** A C file a patch changed and what happened when it was compiled first. */
    public record Compiled(String file, String status, List<String> patches, String error) {
    }

    /**
     * Compiles the objects of the given C files (those the config builds) before the full build:
     * {@code make prepare}, then {@code make -k} on each file's object. A file the config does not
     * build is skipped.
     *
     * @param cFiles  relative C file → the patches that changed it, in series order
     * @param hunks   relative C file → for each patch, the line ranges (new side) its hunks cover
     * @return one entry per file; a failure's entry names the patch whose hunk holds the error line
     *         (or the last patch that touched the file)
     */
    public static List<Compiled> compileFirst(Request req, Map<String, List<String>> cFiles,
                                              Map<String, Map<String, List<int[]>>> hunks, Path log,
                                              PrintStream progressOut, boolean terminal) {
        requireTools(req);
        int jobs = jobs(req);
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw KrunpackException.external("cannot create " + log.getParent() + ": " + e.getMessage(), e);
        }
        Progress progress = new Progress(progressOut, terminal, "patched code");
        progress.update(0, 0, "make prepare");
        StringBuilder all = new StringBuilder();
        int rc = Tools.runLogged(make(req, jobs, "prepare"), req.tree(), env(req), log, null);
        all.append(readQuietly(log));
        if (rc != 0) {
            throw new KrunpackException(ExitCode.EXTERNAL, "make prepare failed (exit " + rc + ")" + errorLines(log)
                    + "\nfull log: " + log);
        }
        Map<String, String> config = org.krunpack.kconfig.Fragment.readEffective(req.buildDir().resolve(".config"));
        String srcArch = org.krunpack.kconfig.KconfigTree.srcArch(req.arch().kernelArch());
        Map<String, ObjectSelection.Verdict> verdicts = new LinkedHashMap<>();
        List<String> objs = new ArrayList<>();
        for (String c : cFiles.keySet()) {
            ObjectSelection.Verdict v = ObjectSelection.of(req.tree(), config, c, srcArch);
            verdicts.put(c, v);
            if (v.built()) {
                objs.add(c.substring(0, c.length() - 2) + ".o");
            }
        }
        String out = "";
        if (!objs.isEmpty()) {
            Path objLog = log.resolveSibling(log.getFileName() + ".objects");
            List<String> cmd = make(req, jobs, "-k");
            cmd.addAll(objs);
            int[] n = {0};
            Tools.runLogged(cmd, req.tree(), env(req), objLog, line -> {
                if (STEP.matcher(line).matches()) {
                    progress.update(++n[0], objs.size(), line.strip());
                }
            });
            out = readQuietly(objLog);
            all.append(out);
            try {
                Files.deleteIfExists(objLog);
            } catch (IOException ignored) {
                // the merged log has it all
            }
        }
        AtomicFiles.writeString(log, all.toString());
        List<Compiled> results = new ArrayList<>();
        for (var e : cFiles.entrySet()) {
            String c = e.getKey();
            String o = c.substring(0, c.length() - 2) + ".o";
            ObjectSelection.Verdict v = verdicts.get(c);
            if (!v.built()) {
                results.add(new Compiled(c, "skipped: " + v.reason(), e.getValue(), null));
                continue;
            }
            Matcher err = Pattern.compile("(?m)^(?:\\.\\./)*(?:[^\\s:]*/)?" + Pattern.quote(c)
                    + ":(\\d+):(?:\\d+:)? (?:fatal )?error: (.*)$").matcher(out);
            if (err.find()) {
                int line = Integer.parseInt(err.group(1));
                String culprit = culprit(c, line, e.getValue(), hunks.getOrDefault(c, Map.of()));
                results.add(new Compiled(c, "failed", e.getValue(), c + ":" + line + ": error: " + err.group(2)
                        + " (" + culprit + ")"));
            } else if (!Files.isRegularFile(req.buildDir().resolve(o))) {
                results.add(new Compiled(c, "failed", e.getValue(), c + ": make did not produce " + o
                        + " (see " + log + ")"));
            } else {
                results.add(new Compiled(c, "compiled", e.getValue(), null));
            }
        }
        progress.done(results.stream().filter(r -> r.status().equals("failed")).count() + " failed of "
                + results.size() + " files");
        return results;
    }

    /** Which patch an error line belongs to: the one whose hunk covers it, else the last one that touched the file. */
    static String culprit(String file, int line, List<String> patches, Map<String, List<int[]>> ranges) {
        for (int i = patches.size() - 1; i >= 0; i--) {
            for (int[] r : ranges.getOrDefault(patches.get(i), List.of())) {
                if (line >= r[0] - 3 && line <= r[0] + r[1] + 3) {
                    return "in lines changed by patch " + patches.get(i);
                }
            }
        }
        return "file changed by patch " + String.join(", ", patches) + "; the error line is outside their hunks";
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static Path commonParent(Path a, Path b) {
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        while (x != null && !y.startsWith(x)) {
            x = x.getParent();
        }
        return x == null ? Path.of("/") : x;
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
