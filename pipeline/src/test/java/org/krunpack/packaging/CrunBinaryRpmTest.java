package org.krunpack.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Sandbox;
import org.krunpack.core.Tools;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.testing.RealFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated strict crun spec built for real with {@code rpmbuild -bb} from crun 1.21's real
 * release tarball (Debian's orig tarball, repacked as the {@code crun-1.21.tar.zst} Source0 names),
 * configured {@code --with-libkrun} against the minimal {@code libkrun.h} we wrote from libkrun's
 * documented C API (test resource {@code libkrun-api/}; crun dlopen()s the library, so the header is
 * all its build needs). {@code --nodeps} because Fedora's BuildRequires are not Debian names
 * (scripts/setup-deps installs Debian's equivalents); {@code --without wasm --without criu}
 * because neither WasmEdge nor libcriu's headers exist in Debian 12.
 *
 * <p>rpmbuild runs crun's autoreconf, configure and make: input code, so it runs in the
 * {@link Sandbox} with the work directory as its only writable place (a persistent ccache inside
 * it). The RPMs stay in {@code pipeline/target/crun-rpm/RPMS/}.
 */
@Tag("tools")
class CrunBinaryRpmTest {
    static final long SDE = 1735689600L;
    static final String VERSION = "1.21";

    @Test
    void rpmbuildBinaryOfGeneratedCrunSpecWithKrun() throws Exception {
        Sandbox sandbox = Sandbox.forInputs(false);
        assertThat(sandbox.isolated()).as("bubblewrap must work here to build crun: %s", sandbox.whyNot()).isTrue();
        Path work = Path.of("target/crun-rpm").toAbsolutePath();
        Files.createDirectories(work);
        for (String d : List.of("sources", "include", "top", "RPMS", "tmp", "unpack")) {
            AtomicFiles.deleteTree(work.resolve(d)); // ccache/ stays: later runs reuse it
        }
        Path sources = Files.createDirectories(work.resolve("sources"));
        Path unpack = Files.createDirectories(work.resolve("unpack"));
        Tools.check(List.of("tar", "-xzf", RealFixtures.crun121().toString(), "-C", unpack.toString()), null, null);
        assertThat(unpack.resolve("crun-" + VERSION + "/configure.ac")).isRegularFile();
        Tools.check(List.of("tar", "--zstd", "-cf", sources.resolve("crun-" + VERSION + ".tar.zst").toString(),
                "-C", unpack.toString(), "crun-" + VERSION), null, null);
        Path include = Files.createDirectories(work.resolve("include"));
        try (var in = getClass().getResourceAsStream("/libkrun-api/libkrun.h")) {
            Files.copy(in, include.resolve("libkrun.h"));
        }

        PackageModel model = Fixtures.checkedIn().get("crun");
        PackageModel pkg = model.withRelease(VERSION, "", model.release(), model.sources(), model.changelog());
        Path spec = work.resolve("crun.spec");
        Files.writeString(spec, new SpecGenerator(null).render(pkg, Profile.STRICT, "rpm/packaging.yaml"));
        Path macros = work.resolve(SpecGenerator.AUTOSPEC_MACROS);
        Files.writeString(macros, SpecGenerator.autospecMacros());

        Path top = Files.createDirectories(work.resolve("top"));
        Files.createDirectories(work.resolve("tmp"));
        Files.createDirectories(work.resolve("ccache"));
        List<String> cmd = new ArrayList<>(Rpmbuild.command("-bb", spec, top,
                new Rpmbuild.Options(sources, SDE, macros, List.of("--nodeps", "--with", "krun", "--without", "wasm",
                        "--without", "criu",
                        "--define", "optflags -O2 -g -I" + include,
                        "--define", "_tmppath " + work.resolve("tmp"),
                        "--define", "_rpmdir " + work.resolve("RPMS"),
                        "--define", "_unpackaged_files_terminate_build 1",
                        // make -O keeps output in tmpfile()s, always under /tmp (TMPDIR is ignored),
                        // which is read-only in the sandbox: make 4.3 then crashes
                        "--define", "_make_output_sync %{nil}"))));
        Map<String, String> env = new HashMap<>(Rpmbuild.env(new Rpmbuild.Options(sources, SDE, null, List.of())));
        env.put("CCACHE_DIR", work.resolve("ccache").toString());
        if (Tools.which("ccache").isPresent()) {
            env.put("CC", "ccache gcc");
        }
        long t0 = System.nanoTime();
        Sandbox.Result r = sandbox.run(Sandbox.Request.of(cmd, work)
                .withTimeout(Duration.ofMinutes(20))
                .withLimits(Sandbox.Limits.defaults().withCpuSeconds(900).withMemory(4096L * 1024 * 1024))
                .withEnv(env).withMaxOutput(8 << 20));
        long t1 = System.nanoTime();
        Files.writeString(work.resolve("rpmbuild.log"), r.stdout() + "\n--- stderr ---\n" + r.stderr());
        System.out.printf("crun rpmbuild -bb (sandboxed): %.1f s%n", (t1 - t0) / 1e9);
        assertThat(r.ok()).as("rpmbuild -bb crun.spec: %s; log in %s%s", r.describe(), work.resolve("rpmbuild.log"),
                Tools.tail("\n", r.stderr(), 30)).isTrue();
        assertThat(r.stdout() + r.stderr()).doesNotContain("Installed (but unpackaged) file(s) found");

        Path rpmDir = work.resolve("RPMS/x86_64");
        Path main = rpmDir.resolve("crun-" + VERSION + "-1.x86_64.rpm");
        Path krun = rpmDir.resolve("crun-krun-" + VERSION + "-1.x86_64.rpm");
        assertThat(main).isRegularFile();
        assertThat(krun).isRegularFile();
        String krunFiles = query(krun, "--dump", "-l");
        assertThat(krunFiles).contains("/usr/bin/krun ").containsPattern("/usr/share/man/man1/krun\\.1\\S* ");
        assertThat(krunFiles.lines().filter(l -> l.startsWith("/usr/bin/krun ")).findFirst().orElseThrow())
                .as("krun is crun's own symbolic link (made by make install)").endsWith(" crun");
        String mainFiles = query(main, "-l");
        assertThat(mainFiles).contains("/usr/bin/crun").doesNotContain("/usr/bin/krun").doesNotContain("libcrun");
        assertThat(query(main, "--provides")).containsPattern("(?m)^oci-runtime$");
        assertThat(query(krun, "--provides")).containsPattern("(?m)^krun = 1.21-1$");
        assertThat(query(krun, "--requires")).contains("libkrun(x86-64) >= 1.18.1")
                .contains("crun(x86-64) = 1.21-1");
        // the configure switch took effect: the krun handler is in the binary
        Path x = Files.createDirectories(work.resolve("unpack/rpm"));
        Tools.check(List.of("bash", "-c", "rpm2cpio " + main + " | cpio -idm --quiet"), x, null);
        String strings = Tools.check(List.of("strings", x.resolve("usr/bin/crun").toString()), null, null).stdout();
        assertThat(strings).contains("libkrun.so.1");

        // krunpack review (rpmlint with Fedora's config included) on the spec and both RPMs: no MUST fails
        org.krunpack.review.ReviewReport report = org.krunpack.review.Review.run(List.of(spec, main, krun),
                org.krunpack.review.Review.Options.defaults(null, sandbox));
        Files.writeString(work.resolve("review.txt"), report.render());
        assertThat(report.mustFailures()).as("MUST failures; full report in %s", work.resolve("review.txt"))
                .isEmpty();
    }

    private static String query(Path rpm, String... what) {
        List<String> cmd = new ArrayList<>(List.of("rpm", "-qp"));
        cmd.addAll(List.of(what));
        cmd.add(rpm.toString());
        return Tools.check(cmd, null, null).stdout();
    }
}
