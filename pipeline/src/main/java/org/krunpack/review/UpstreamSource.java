package org.krunpack.review;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream release tarball a spec builds (its Source0), as far as review needs it: does
 * upstream ship a test suite, and which files does its {@code make install} put in the buildroot
 * ({@code make -n install}, in the sandbox: a Makefile is input code).
 */
final class UpstreamSource {
    /** Files that may describe a build's install step or its tests. */
    private static final Pattern BUILD_FILE = Pattern.compile("^[^/]+/(Makefile|GNUmakefile|Makefile\\.am|meson\\.build"
            + "|CMakeLists\\.txt|Cargo\\.toml)$");
    private static final Pattern TEST_DIR = Pattern.compile("^[^/]+/(tests?|testsuite|t)/");
    private static final Pattern MAKE_TEST_TARGET = Pattern.compile("(?m)^(check|test|tests)\\s*:");
    private static final long MAX_BUILD_FILE = 1 << 20;
    /** Where {@code make -n install} is told to install: a path no real command would use. */
    static final String DESTDIR = "/krunpack-review-destdir";

    private final Path tarball;
    private final List<String> testEvidence = new ArrayList<>();
    private final Map<String, String> buildFiles = new LinkedHashMap<>();
    private final String listingProblem;

    private UpstreamSource(Path tarball) {
        this.tarball = tarball;
        String problem = null;
        try {
            list();
        } catch (IOException | RuntimeException e) {
            problem = tarball.getFileName() + " cannot be read as a tarball (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")";
        }
        this.listingProblem = problem;
    }

    /** Reads the tarball's listing and its top-level build files. */
    static UpstreamSource of(Path tarball) {
        return new UpstreamSource(tarball);
    }

    Path tarball() {
        return tarball;
    }

    /** Why the tarball could not be read, when it could not. */
    Optional<String> problem() {
        return Optional.ofNullable(listingProblem);
    }

    private static InputStream decompress(Path file, InputStream in) throws IOException {
        String n = file.getFileName().toString();
        if (n.endsWith(".gz") || n.endsWith(".tgz")) {
            return new GzipCompressorInputStream(in, true);
        }
        if (n.endsWith(".xz")) {
            return new XZCompressorInputStream(in, true);
        }
        if (n.endsWith(".bz2")) {
            return new BZip2CompressorInputStream(in, true);
        }
        if (n.endsWith(".zst")) {
            return new ZstdCompressorInputStream(in);
        }
        return in;
    }

    private void list() throws IOException {
        Set<String> testDirs = new LinkedHashSet<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(decompress(tarball, raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName().replaceFirst("^\\./", "");
                Matcher t = TEST_DIR.matcher(name);
                if (t.find()) {
                    testDirs.add(t.group());
                }
                if (e.isFile() && BUILD_FILE.matcher(name).matches() && e.getSize() <= MAX_BUILD_FILE) {
                    buildFiles.put(name.substring(name.indexOf('/') + 1),
                            new String(tar.readNBytes((int) e.getSize()), StandardCharsets.UTF_8));
                }
            }
        }
        testDirs.forEach(d -> testEvidence.add(d + " (a test directory)"));
        buildFiles.forEach((name, text) -> {
            Matcher m = MAKE_TEST_TARGET.matcher(text);
            if ((name.equals("Makefile") || name.equals("GNUmakefile") || name.equals("Makefile.am")) && m.find()) {
                testEvidence.add(name + ": a '" + m.group(1) + "' target");
            }
            if (name.equals("meson.build") && text.contains("test(")) {
                testEvidence.add("meson.build: test() targets");
            }
        });
    }

    /** What shows that upstream ships a test suite; empty when nothing does. */
    List<String> testSuite() {
        return testEvidence;
    }

    /** What {@code make -n install} showed: the installed files (absolute, without DESTDIR), or why not. */
    record Install(List<String> files, List<String> commands, String notEvaluated) {
        boolean evaluated() {
            return notEvaluated == null;
        }
    }

    /**
     * Runs {@code make -n install DESTDIR=... PREFIX=/usr ARGS} on the extracted tarball in the
     * sandbox and reads the install and ln commands it would run.
     */
    Install install(List<String> makeArgs, Sandbox sandbox) {
        if (listingProblem != null) {
            return new Install(List.of(), List.of(), listingProblem);
        }
        if (!buildFiles.containsKey("Makefile") && !buildFiles.containsKey("GNUmakefile")) {
            return new Install(List.of(), List.of(), "no Makefile at the top of " + tarball.getFileName()
                    + (buildFiles.isEmpty() ? "" : " (" + String.join(", ", buildFiles.keySet())
                    + ": the install list needs a configured build)"));
        }
        if (!sandbox.canRun()) {
            return new Install(List.of(), List.of(), "make -n install was not run: " + sandbox.whyNot());
        }
        if (Tools.which("make").isEmpty()) {
            return new Install(List.of(), List.of(), "make is not on the PATH");
        }
        Path scratch;
        try {
            scratch = Files.createTempDirectory("krunpack-review-install-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            Path src = scratch.resolve("src");
            try {
                SafeExtractor.extract(tarball, src, true);
            } catch (KrunpackException e) {
                return new Install(List.of(), List.of(), tarball.getFileName() + " cannot be extracted: " + e.getMessage());
            }
            List<String> cmd = new ArrayList<>(List.of("make", "-n", "-C", src.toString(), "install",
                    "DESTDIR=" + DESTDIR, "PREFIX=/usr"));
            cmd.addAll(makeArgs);
            Sandbox.Result r = sandbox.run(Sandbox.Request.of(cmd, scratch).withTimeout(Duration.ofSeconds(60)));
            if (!r.ok()) {
                return new Install(List.of(), List.of(), "make -n install " + r.describe()
                        + Tools.tail(": ", r.stderr(), 3));
            }
            return parse(r.stdout());
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    /** The files the printed commands install under DESTDIR. */
    static Install parse(String makeOutput) {
        Set<String> dirs = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        List<String> commands = new ArrayList<>();
        for (String line : makeOutput.split("\n")) {
            String cwd = null;
            for (String part : line.split(";|&&")) {
                List<String> w = words(part.strip());
                if (w.isEmpty()) {
                    continue;
                }
                String c = w.get(0).replaceFirst(".*/", "");
                if (c.equals("cd") && w.size() == 2) {
                    cwd = w.get(1);
                } else if (c.equals("install") || c.equals("cp")) {
                    installed(w, dirs, files, commands, part.strip());
                } else if (c.equals("mkdir")) {
                    w.stream().skip(1).filter(a -> a.startsWith(DESTDIR)).forEach(a -> dirs.add(strip(a)));
                } else if (c.equals("ln") && w.size() >= 3) {
                    String link = w.get(w.size() - 1);
                    String at = link.startsWith("/") ? link : cwd == null ? null : cwd.replaceAll("/+$", "") + "/" + link;
                    if (at != null && at.startsWith(DESTDIR)) {
                        files.add(strip(at));
                        commands.add(part.strip());
                    }
                }
            }
        }
        return new Install(List.copyOf(files), commands, null);
    }

    private static void installed(List<String> w, Set<String> dirs, Set<String> files, List<String> commands,
                                  String command) {
        boolean dirMode = false;
        boolean leading = false;
        String targetDir = null;
        List<String> args = new ArrayList<>();
        for (int i = 1; i < w.size(); i++) {
            String a = w.get(i);
            if (a.equals("-d") || a.equals("--directory")) {
                dirMode = true;
            } else if (a.equals("-D")) {
                leading = true;
            } else if (a.equals("-t") && i + 1 < w.size()) {
                targetDir = w.get(++i);
            } else if (a.equals("-m") || a.equals("-o") || a.equals("-g") || a.equals("--mode")) {
                i++;
            } else if (a.startsWith("-")) {
                continue;
            } else {
                args.add(a);
            }
        }
        if (dirMode) {
            args.stream().filter(a -> a.startsWith(DESTDIR)).forEach(a -> dirs.add(strip(a)));
            return;
        }
        if (targetDir == null) {
            if (args.size() < 2) {
                return;
            }
            targetDir = args.remove(args.size() - 1);
            if (!targetDir.startsWith(DESTDIR)) {
                return;
            }
            String dest = strip(targetDir);
            boolean isDir = targetDir.endsWith("/") || dirs.contains(dest) || args.size() > 1;
            if (!isDir || leading && args.size() == 1 && !targetDir.endsWith("/")) {
                files.add(dest);
                commands.add(command);
                return;
            }
        }
        if (!targetDir.startsWith(DESTDIR)) {
            return;
        }
        String dir = strip(targetDir);
        for (String a : args) {
            files.add(dir + "/" + a.replaceFirst(".*/", ""));
        }
        commands.add(command);
    }

    /** DESTDIR removed, slashes normalised. */
    private static String strip(String path) {
        String p = path.substring(DESTDIR.length()).replaceAll("/+", "/");
        return p.length() > 1 ? p.replaceAll("/$", "") : p;
    }

    /** Splits a shell command into words (quotes removed; no expansion). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean any = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
