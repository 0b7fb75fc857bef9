package org.krunpack.verify;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.Bundler;
import org.krunpack.cli.Json;
import org.krunpack.core.Sandbox;
import org.krunpack.elf.Elf;
import org.krunpack.elf.ElfFile;
import org.krunpack.elf.ProgramHeader;
import org.krunpack.elf.SectionHeader;
import org.krunpack.project.Arch;
import org.krunpack.project.Variant;
import org.krunpack.testing.CliRun;
import org.krunpack.testing.TestKernels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 600 mutants of a real libkrunfw (made by the bundle stage from a synthetic vmlinux) through
 * {@code krunpack verify-lib --format json}: bytes of the ELF and program headers, the dynamic
 * section, the section header table and the dynamic symbol, hash and relocation tables are
 * flipped or overwritten. Every run must end with exit 0, 1 or 2 and exactly one JSON document on
 * stdout, and no JVM crash file (hs_err_pid*.log) may appear. Most runs go through the in-process
 * CLI (the library is never loaded in this JVM, so a crash would take the test down); every 40th
 * mutant also through a separate JVM, which shows the real exit code.
 */
@Tag("tools")
class VerifyLibFuzzTest {
    private static final int MUTANTS = 600;
    private static final long SEED = 0x6b72756eL;

    @TempDir
    static Path tmp;
    static byte[] original;
    static ElfFile elf;

    @BeforeAll
    static void realLibrary() throws IOException {
        assertThat(Sandbox.probe().available()).as(Sandbox.probe().reason()).isTrue();
        Path vmlinux = TestKernels.writeFakeVmlinux(tmp.resolve("kernel"), 7);
        Path lib = Bundler.bundle(new BundleRequest(vmlinux, Arch.X86_64, Variant.GENERIC, "5.5.0", 5,
                tmp.resolve("out"), null, null)).library();
        original = Files.readAllBytes(lib);
        elf = ElfFile.parse(lib.toString(), original);
        assertThat(LibraryVerifier.verify(lib, null).failures()).as("the unmutated library passes").isEmpty();
    }

    /** A region of the file worth mutating: [offset, offset + length). */
    record Region(String name, long offset, long length) {
    }

    static List<Region> regions() {
        List<Region> r = new ArrayList<>();
        r.add(new Region("ELF header", 0, 64));
        r.add(new Region("program headers", elf.header().phoff(), 56L * elf.header().phnum()));
        ProgramHeader dyn = elf.programHeaders().stream().filter(p -> p.type() == Elf.PT_DYNAMIC).findFirst()
                .orElseThrow();
        r.add(new Region("dynamic section", dyn.offset(), dyn.filesz()));
        r.add(new Region("section headers", elf.header().shoff(), 64L * elf.header().shnum()));
        for (String s : List.of(".dynsym", ".hash", ".gnu.hash", ".rela.dyn", ".dynstr", ".gnu.version",
                ".gnu.version_d")) {
            elf.section(s).filter(h -> h.size() > 0).map(SectionHeader.class::cast)
                    .ifPresent(h -> r.add(new Region(s, h.offset(), h.size())));
        }
        assertThat(r).as("the library has dynamic tables to mutate").hasSizeGreaterThan(4);
        return r;
    }

    static final Map<Integer, String> EDITS = new ConcurrentHashMap<>();

    static byte[] mutant(int i, List<Region> regions) {
        Random rnd = new Random(SEED + i);
        byte[] b = original.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            // Headers and the dynamic section get most mutations, as in the report that found the crashes.
            double pick = rnd.nextDouble();
            Region reg = pick < 0.25 ? regions.get(0) : pick < 0.45 ? regions.get(1) : pick < 0.70 ? regions.get(2)
                    : pick < 0.85 ? regions.get(3) : regions.get(4 + rnd.nextInt(regions.size() - 4));
            int at = (int) (reg.offset() + rnd.nextInt((int) Math.max(1, reg.length())));
            EDITS.merge(i, reg.name() + "+" + (at - reg.offset()), (x, y) -> x + ", " + y);
            switch (rnd.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                default -> {
                    int word = (int) Math.min(b.length - 8, at & ~7);
                    long[] interesting = {0, 1, -1, 0x7fffffffL, 0xffffffffL, b.length, b.length + 0x10000L,
                            0x100000000L, rnd.nextLong(), bb.getLong(word) + 8, bb.getLong(word) - 8,
                            bb.getLong(word) * 2};
                    bb.putLong(word, interesting[rnd.nextInt(interesting.length)]);
                }
            }
        }
        return b;
    }

    @Test
    void noMutantCrashesAnythingAndEachGivesOneJsonDocument() throws Exception {
        List<Region> regions = regions();
        Path dir = Files.createDirectories(tmp.resolve("mutants"));
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Map<Integer, Integer> exits = new ConcurrentHashMap<>();
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        IntStream.range(0, MUTANTS).parallel().forEach(i -> {
            try {
                Path m = Files.write(Files.createDirectories(dir.resolve("m" + i)).resolve("libkrunfw.so.5.5.0"),
                        mutant(i, regions));
                CliRun.Run run = CliRun.run("verify-lib", "--format", "json", m.toString());
                exits.merge(run.exit(), 1, Integer::sum);
                String problem = check(i, run.exit(), run.out());
                if (problem != null) {
                    bad.add(problem + "\n  stderr: " + run.err());
                    return;
                }
                String o = outcome(run.json());
                outcomes.computeIfAbsent(o, k -> new AtomicInteger()).incrementAndGet();
                if (Boolean.getBoolean("krunpack.fuzz.verbose") && o.startsWith("crashed")) {
                    System.out.println("mutant " + i + " [" + EDITS.get(i) + "]: " + o + ": " + run.json().path("steps").get(0)
                            .path("details").path("checks").findValues("evidence"));
                }
            } catch (IOException e) {
                bad.add("mutant " + i + ": " + e);
            }
        });
        long inProcess = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("verify-lib fuzz: %d mutants in %d ms (in-process CLI), exits %s, outcomes %s%n", MUTANTS,
                inProcess, new TreeMap<>(exits), new TreeMap<>(outcomes));
        assertThat(bad).isEmpty();
        assertThat(exits.keySet()).isSubsetOf(0, 1, 2);
        // The mutants exercise both paths: refused by the static checks, and loaded in the sandbox.
        assertThat(outcomes.keySet()).contains("static checks failed", "loaded");

        // A sample through a separate JVM: the process's real exit code and stdout.
        Path cwd = Files.createDirectories(tmp.resolve("jvm-cwd"));
        long jvmStart = System.nanoTime();
        int separate = 0;
        for (int i = 0; i < MUTANTS && !Boolean.getBoolean("krunpack.fuzz.verbose"); i += 40) {
            Path m = dir.resolve("m" + i).resolve("libkrunfw.so.5.5.0");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "org.krunpack.cli.Main", "verify-lib", "--format",
                    "json", m.toString()).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String problem = check(i, p.exitValue(), out);
            assertThat(problem).as("separate JVM").isNull();
            separate++;
        }
        System.out.printf("verify-lib fuzz: %d mutants through a separate JVM in %d ms%n", separate,
                (System.nanoTime() - jvmStart) / 1_000_000);
        for (Path where : List.of(cwd, Path.of("").toAbsolutePath(), tmp)) {
            try (Stream<Path> s = Files.walk(where, 3)) {
                assertThat(s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList())
                        .as("JVM crash files under %s", where).isEmpty();
            }
        }
    }

    /** Null when the run honours the contract, else what is wrong. */
    private static String check(int i, int exit, String stdout) {
        if (exit != 0 && exit != 1 && exit != 2) {
            return "mutant " + i + ": exit " + exit;
        }
        try {
            JsonNode doc = Json.mapper().readTree(stdout);
            if (doc == null || !doc.isObject() || Json.mapper().readTree(stdout.strip()) == null) {
                return "mutant " + i + ": stdout is not one JSON document: " + stdout;
            }
            // exactly one document: nothing after it
            try (var parser = Json.mapper().createParser(stdout)) {
                parser.readValueAsTree();
                if (parser.nextToken() != null) {
                    return "mutant " + i + ": more than one JSON document on stdout";
                }
            }
        } catch (IOException e) {
            return "mutant " + i + ": stdout is not JSON (" + e.getMessage() + "): " + stdout;
        }
        return null;
    }

    /** How verify-lib dealt with one mutant, for the statistics. */
    private static String outcome(JsonNode doc) {
        if (doc.path("steps").isEmpty()) {
            return "usage error";
        }
        for (JsonNode c : doc.path("steps").get(0).path("details").path("checks")) {
            if (c.path("name").asText().equals("load")) {
                String st = c.path("status").asText();
                String ev = c.path("evidence").asText();
                if (st.equals("skipped")) {
                    return ev.startsWith("not loaded") ? "static checks failed" : "not loadable here";
                }
                if (st.equals("pass")) {
                    return "loaded";
                }
                return ev.startsWith("dlopen crashed") ? "crashed in the sandbox (" + ev.replaceAll(".*?: (.*?) while.*",
                        "$1") + ")" : "dlopen refused it";
            }
        }
        return "not an ELF file";
    }
}
