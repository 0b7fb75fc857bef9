package org.krunpack.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Tools;
import org.krunpack.specgen.Crates;
import org.krunpack.specgen.CratesFile;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.testing.RealFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The libkrun spec against the real libkrun 1.18.1 release (it cannot be compiled here: Debian 12's
 * Rust is too old and crates.io is unreachable): crates generated from its Cargo.lock and manifests,
 * the spec's %files against its Makefile's install target, rpmspec -P under Fedora's and RHEL's
 * conditionals and rpmbuild -bp of the real tarball.
 */
class LibkrunReleaseTest {
    static final String VERSION = "1.18.1";
    static final Path WORK = Path.of("target/libkrun-release").toAbsolutePath();

    static ReleaseCrates crates() {
        return ReleaseCrates.read(RealFixtures.libkrun1181(), WORK);
    }

    static PackageModel model() {
        PackageModel m = Fixtures.checkedIn().get("libkrun");
        return m.withRelease(VERSION, "", m.release(), m.sources(), m.changelog());
    }

    @Test
    void crateBuildRequiresAreGeneratedRust2rpmStyleFromTheReleaseManifests() {
        List<String> br = crates().buildRequires();
        assertThat(br).contains(
                "(crate(env_logger/default) >= 0.11.0 with crate(env_logger/default) < 0.12.0~)",
                "crate(libc/default) >= 0.2.85",
                "(crate(nix/ioctl) >= 0.30.1 with crate(nix/ioctl) < 0.31.0~)",
                "(crate(vm-memory/backend-mmap) >= 0.17.0 with crate(vm-memory/backend-mmap) < 0.18.0~)",
                "(crate(pipewire/default) >= 0.9.2 with crate(pipewire/default) < 0.10.0~)");
        assertThat(br).noneMatch(l -> l.contains("crate(krun-")).as("the workspace's own path crates are not BuildRequires");
        assertThat(br).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void bundledProvidesCoverEveryRegistryCrateOfTheLockAtItsLockedVersion() {
        ReleaseCrates c = crates();
        long registry = c.lock().stream().filter(Crates.Locked::fromRegistry).map(l -> l.name() + " " + l.version())
                .distinct().count();
        assertThat(c.lock()).hasSize(198);
        assertThat(c.bundledProvides()).hasSize((int) registry)
                .allMatch(p -> p.matches("bundled\\(crate\\([A-Za-z0-9_-]+\\)\\) = [0-9][0-9A-Za-z.+_~]*"));
        Crates.Locked libc = c.lock().stream().filter(l -> l.name().equals("libc")).findFirst().orElseThrow();
        assertThat(c.bundledProvides()).contains("bundled(crate(libc)) = " + libc.version());
        assertThat(c.bundledProvides()).noneMatch(p -> p.contains("krun-"));
    }

    @Test
    void aCrateListThatDoesNotMatchTheReleaseIsExit2NamingTheField() {
        ReleaseCrates c = crates();
        Crates.Locked libc = c.lock().stream().filter(l -> l.name().equals("libc")).findFirst().orElseThrow();
        PackageModel m = model();
        PackageModel good = withCrates(m, List.of(new PackageModel.Crate("libc", libc.version(), "MIT OR Apache-2.0")));
        c.checkModel(good, "rpm/packaging.yaml");
        PackageModel bad = withCrates(m, List.of(new PackageModel.Crate("libc", "0.0.1", "MIT OR Apache-2.0"),
                new PackageModel.Crate("not-in-the-lock", "1.0.0", "MIT")));
        assertThatThrownBy(() -> c.checkModel(bad, "rpm/packaging.yaml"))
                .isInstanceOfSatisfying(KrunpackException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("packages.libkrun.crates[0].version: libc 0.0.1, but the release's Cargo.lock has "
                        + libc.version())
                .hasMessageContaining("packages.libkrun.crates[1].name: 'not-in-the-lock'");
    }

    @Test
    void filesOfBothProfilesMatchWhatTheMakefileInstallTargetInstalls() throws Exception {
        Set<String> installed = makefileInstalls(tarEntry("libkrun-" + VERSION + "/Makefile"));
        assertThat(installed).contains("include/libkrun.h", "include/libkrun_display.h", "include/libkrun_input.h",
                "lib64/pkgconfig/libkrun.pc", "lib64/libkrun.so", "lib64/libkrun.so.1", "lib64/libkrun.so.1.18.1");
        for (Profile p : Profile.values()) {
            String spec = new SpecGenerator(null).render(model(), p, "rpm/packaging.yaml");
            Set<String> files = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^%\\{_(includedir|libdir)}/(\\S+)$").matcher(spec);
            while (m.find()) {
                String f = (m.group(1).equals("includedir") ? "include/" : "lib64/") + m.group(2)
                        .replace("%{abi}", "1").replace("%{version}", VERSION);
                if (!f.contains("-sev")) { // the SEV variant is another make run (SEV=1)
                    files.add(f);
                }
            }
            assertThat(files).as("%files of the %s profile", p.id()).isEqualTo(installed);
        }
    }

    /** The files the Makefile's install target puts under PREFIX, from its install and ln lines. */
    static Set<String> makefileInstalls(String makefile) {
        Map<String, String> vars = new LinkedHashMap<>();
        Matcher a = Pattern.compile("(?m)^([A-Za-z_]+)\\s*:?=\\s*(\\S.*?)\\s*$").matcher(makefile);
        while (a.find()) {
            vars.putIfAbsent(a.group(1), a.group(2));
        }
        vars.put("OS", "Linux");
        vars.put("DESTDIR", "");
        vars.put("PREFIX", "");
        vars.put("VARIANT", "");
        String recipe = makefile.substring(makefile.indexOf("\ninstall:"));
        recipe = recipe.substring(0, recipe.indexOf("\n\n"));
        Set<String> out = new TreeSet<>();
        for (String line : recipe.lines().skip(1).map(l -> expand(l.strip(), vars)).toList()) {
            Matcher i = Pattern.compile("^install -m \\d+ (\\S+) /(\\S+?)/?$").matcher(line);
            if (i.matches()) {
                out.add(i.group(2) + "/" + Path.of(i.group(1)).getFileName());
            }
            Matcher l = Pattern.compile("^cd /(\\S+?)/? ; (.*)$").matcher(line);
            if (l.matches()) {
                for (String part : l.group(2).split(";")) {
                    String[] w = part.strip().split("\\s+");
                    if (w.length == 4 && w[0].equals("ln")) {
                        out.add(l.group(1) + "/" + w[2]);
                        out.add(l.group(1) + "/" + w[3]);
                    }
                }
            }
        }
        return out;
    }

    private static String expand(String s, Map<String, String> vars) {
        for (int round = 0; round < 8; round++) {
            Matcher m = Pattern.compile("\\$\\(([A-Za-z_]+)\\)").matcher(s);
            StringBuilder sb = new StringBuilder();
            boolean any = false;
            while (m.find()) {
                any = true;
                m.appendReplacement(sb, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), "")));
            }
            m.appendTail(sb);
            s = sb.toString();
            if (!any) {
                break;
            }
        }
        return s;
    }

    private static String tarEntry(String entry) {
        return Tools.check(List.of("tar", "-xzOf", RealFixtures.libkrun1181().toString(), entry), null, null).stdout();
    }

    private static PackageModel withCrates(PackageModel m, List<PackageModel.Crate> crates) {
        return new PackageModel(m.name(), m.version(), m.release(), m.summary(), m.description(), m.license(),
                m.distGitLicense(), m.licenseFiles(), m.docFiles(), m.url(), m.kernel(), m.abi(), m.sources(),
                m.patches(), m.arches(), m.buildRequires(), m.archBuildRequires(), m.subpackages(), m.requires(),
                crates, m.changelog(), m.switches(), m.releasePatches(), m.bconds(), m.extra());
    }

    @Test
    @Tag("tools")
    void rpmspecParsesBothProfilesUnderFedoraAndRhelWithTheirSwitches() throws Exception {
        Files.createDirectories(WORK);
        Path macros = WORK.resolve(SpecGenerator.AUTOSPEC_MACROS);
        Files.writeString(macros, SpecGenerator.autospecMacros());
        for (Profile p : Profile.values()) {
            Path spec = WORK.resolve("libkrun-" + p.id() + ".spec");
            Files.writeString(spec, new SpecGenerator(null).render(model(), p, "rpm/packaging.yaml"));
            String fedora = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                    List.of("--define", "fedora 42", "--target", "x86_64")));
            String rhel = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                    List.of("--define", "rhel 10", "--target", "x86_64")));
            for (String parsed : List.of(fedora, rhel)) {
                assertThat(parsed).as(p.id()).contains("BLK=1 NET=1", "BuildRequires:  libcap-ng-devel",
                        "%{_includedir}/libkrun_display.h".replace("%{_includedir}", "/usr/include"))
                        .doesNotContain("patchelf");
            }
            assertThat(fedora).as(p.id()).contains("GPU=1 SND=1", "BuildRequires:  virglrenderer-devel",
                    "BuildRequires:  pipewire-devel");
            assertThat(rhel).as(p.id()).doesNotContain("GPU=1").doesNotContain("SND=1")
                    .doesNotContain("virglrenderer-devel").doesNotContain("pipewire-devel");
        }
    }

    @Test
    @Tag("tools")
    void rpmbuildPrepUnpacksTheRealRelease() throws Exception {
        Path sources = WORK.resolve("bp-sources");
        org.krunpack.core.AtomicFiles.deleteTree(sources);
        Files.createDirectories(sources);
        Files.copy(RealFixtures.libkrun1181(), sources.resolve("libkrun-" + VERSION + ".tar.gz"));
        // Source1 (the vendored crates) is named by the spec; -bp on Fedora's branch does not read it
        Tools.check(List.of("tar", "-cJf", sources.resolve("libkrun-" + VERSION + "-vendor.tar.xz").toString(),
                "-T", "/dev/null"), null, null);
        Path spec = WORK.resolve("libkrun-bp.spec");
        Files.writeString(spec, new SpecGenerator(null).render(model(), Profile.STRICT, "rpm/packaging.yaml"));
        Path top = Files.createDirectories(WORK.resolve("bp-top"));
        List<String> cmd = new ArrayList<>(Rpmbuild.command("-bp", spec, top, new Rpmbuild.Options(sources, 0, null,
                List.of("--nodeps", "--define", "fedora 42",
                        // Debian has no cargo-rpm-macros: %cargo_prep (writes .cargo/config) stands in as a no-op
                        "--define", "cargo_prep echo cargo_prep: stand-in"))));
        Tools.Result r = Tools.run(cmd, null, Rpmbuild.env(new Rpmbuild.Options(sources, 0, null, List.of())));
        assertThat(r.ok()).as("rpmbuild -bp: %s", Tools.tail("\n", r.stderr(), 20)).isTrue();
        Path tree = top.resolve("BUILD/libkrun-" + VERSION);
        assertThat(tree.resolve("Cargo.lock")).isRegularFile();
        assertThat(tree.resolve("include/libkrun_input.h")).isRegularFile();
        assertThat(r.stdout() + r.stderr()).contains("cargo_prep: stand-in");
    }

    static final Path CRATES_FILE = Fixtures.ROOT.resolve("rpm/libkrun.crates.yaml");

    @Test
    void theCheckedInCratesFileIsExactlyWhatTheReleaseGenerates() throws Exception {
        CratesFile checkedIn = CratesFile.read(CRATES_FILE);
        CratesFile fresh = SpecCrates.generate(Fixtures.checkedIn().get("libkrun"), RealFixtures.libkrun1181(), null,
                checkedIn, WORK);
        assertThat(fresh.render()).as("rpm/libkrun.crates.yaml is generated, never edited: regenerate it with"
                + " ./krunpack spec crates --release ../shared/fixtures/libkrun/libkrun-1.18.1.tar.gz")
                .isEqualTo(Files.readString(CRATES_FILE));
        assertThat(checkedIn.crates()).hasSize((int) crates().lock().stream().filter(Crates.Locked::fromRegistry)
                .map(l -> l.name() + " " + l.version()).distinct().count());
        assertThat(checkedIn.releaseSha512()).isEqualTo(org.krunpack.core.Digests.sha512(RealFixtures.libkrun1181()));
    }

    @Test
    void featureCratesAreRequiredOnlyWithTheirSwitchAndUnreachedMembersRequireNothing() throws Exception {
        CratesFile c = CratesFile.read(CRATES_FILE);
        List<String> all = new ArrayList<>(c.buildRequires());
        c.switchBuildRequires().values().forEach(all::addAll);
        assertThat(all).as("aws-nitro and tdx are features no build condition of the spec turns on")
                .noneMatch(l -> l.contains("crate(nitro-enclaves") || l.contains("crate(tdx/"));
        // libkrun-sev's build is make SEV=1, which the release's Makefile turns into --features amd-sev
        assertThat(c.switchBuildRequires().get("sev")).anyMatch(l -> l.startsWith("(crate(kbs-types/default) >= 0.13.0"))
                .anyMatch(l -> l.startsWith("(crate(iocuddle/default)"));
        assertThat(c.buildRequires()).noneMatch(l -> l.contains("crate(kbs-types") || l.contains("crate(iocuddle"));
        assertThat(c.buildRequires()).noneMatch(l -> l.contains("crate(pipewire") || l.contains("crate(zerocopy"))
                .anyMatch(l -> l.startsWith("(crate(kvm-ioctls/default) >= 0.22.0"));
        assertThat(c.switchBuildRequires().get("snd")).anyMatch(l -> l.startsWith("(crate(pipewire/default) >= 0.9.2"));
        assertThat(c.switchBuildRequires().get("gpu")).anyMatch(l -> l.startsWith("(crate(zerocopy/derive)"));
        assertThat(c.switchBuildRequires()).doesNotContainKeys("blk", "net");
        assertThat(c.crates()).allSatisfy(k -> assertThat(k.version()).doesNotContain("-"));
    }

    @Test
    void licencesComeFromAVendoredCrateTarballAndMakeTheLicenseTag() throws Exception {
        // a tarball shaped as 'cargo vendor' writes it, for the real lock's crates; the licences are
        // test data (crates.io is unreachable here), one crate states only a licence file
        Path vendorDir = WORK.resolve("vendor-src");
        org.krunpack.core.AtomicFiles.deleteTree(vendorDir);
        List<Crates.Locked> reg = crates().lock().stream().filter(Crates.Locked::fromRegistry).toList();
        for (int i = 0; i < reg.size(); i++) {
            Crates.Locked l = reg.get(i);
            Path d = Files.createDirectories(vendorDir.resolve("vendor/" + l.name() + "-" + l.version()));
            String lic = l.name().equals("libc") ? "license = \"MIT OR Apache-2.0\"\n"
                    : l.name().equals("vmm-sys-util") ? "license = \"BSD-3-Clause\"\n"
                    : l.name().equals("adler2") ? "license-file = \"LICENSE\"\n"
                    : "license = \"MIT/Apache-2.0\"\n";
            Files.writeString(d.resolve("Cargo.toml"), "[package]\nname = \"" + l.name() + "\"\nversion = \""
                    + l.version() + "\"\n" + lic);
        }
        Path vendor = WORK.resolve("libkrun-" + VERSION + "-vendor.tar.xz");
        Tools.check(List.of("tar", "-cJf", vendor.toString(), "-C", vendorDir.toString(), "vendor"), null, null);
        CratesFile cf = SpecCrates.generate(Fixtures.checkedIn().get("libkrun"), RealFixtures.libkrun1181(), vendor,
                null, WORK);
        assertThat(cf.licensesFrom()).contains(vendor.getFileName().toString());
        assertThat(cf.unknownLicenses()).extracting(PackageModel.Crate::name).containsExactly("adler2");
        PackageModel m = Fixtures.checkedIn().get("libkrun");
        PackageModel withLicences = m.withCrates(m.cratesFile(), cf.crates(), m.crateBuildRequires());
        String spec = new SpecGenerator(null).render(withLicences, Profile.STRICT, "rpm/packaging.yaml");
        assertThat(spec).contains("License:        Apache-2.0 AND BSD-3-Clause AND (Apache-2.0 OR MIT)\n")
                .contains("FIXME: the licences of 1 of the " + cf.crates().size() + " crates");
    }

    @Test
    void aReleaseOfAnotherVersionThanTheModelsIsExit2NamingTheVersion() {
        PackageModel m = Fixtures.checkedIn().get("libkrun");
        PackageModel newer = m.withRelease("1.19.0", "", m.release(), m.sources(), m.changelog());
        assertThatThrownBy(() -> SpecCrates.generate(newer, RealFixtures.libkrun1181(), null, null, WORK))
                .isInstanceOfSatisfying(KrunpackException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("is libkrun 1.18.1, but packages.libkrun.version is 1.19.0");
    }

    @Test
    void aModelWhoseVersionIsNotTheCratesFilesIsExit2NamingTheField() throws Exception {
        Path dir = Files.createDirectories(WORK.resolve("stale-model"));
        Files.copy(CRATES_FILE, dir.resolve("libkrun.crates.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String model = Files.readString(Fixtures.ROOT.resolve("rpm/packaging.yaml"))
                .replace("version: \"1.18.1\"", "version: \"1.19.0\"");
        Files.writeString(dir.resolve("packaging.yaml"), model);
        assertThatThrownBy(() -> org.krunpack.specgen.ModelReader.read(dir.resolve("packaging.yaml")))
                .isInstanceOf(org.krunpack.specgen.ModelException.class)
                .hasMessageContaining("packages.libkrun.version: 1.19.0, but ")
                .hasMessageContaining("was generated from the libkrun 1.18.1 release");
    }

    @Test
    @Tag("tools")
    void fedoraBuildsRequireCratesAndRhelBuildsProvideTheBundledOnes() throws Exception {
        Files.createDirectories(WORK);
        Path macros = WORK.resolve(SpecGenerator.AUTOSPEC_MACROS);
        Files.writeString(macros, SpecGenerator.autospecMacros());
        Path spec = WORK.resolve("libkrun-crates.spec");
        Files.writeString(spec, new SpecGenerator(null).render(model(), Profile.STRICT, "rpm/packaging.yaml"));
        String fedora = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                List.of("--define", "fedora 42", "--target", "x86_64")));
        String rhel = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                List.of("--define", "rhel 10", "--target", "x86_64")));
        assertThat(fedora).contains("BuildRequires:  (crate(kvm-ioctls/default) >= 0.22.0",
                "BuildRequires:  (crate(pipewire/default) >= 0.9.2", "%cargo_prep\n")
                .doesNotContain("bundled(crate(").doesNotContain("cargo_prep -v vendor");
        assertThat(rhel).contains("Provides:       bundled(crate(kvm-ioctls)) = 0.22", "%cargo_prep -v vendor",
                "%cargo_vendor_manifest").doesNotContain("BuildRequires:  (crate(");
        String fedoraNoSnd = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                List.of("--define", "fedora 42", "--define", "_without_snd --without-snd", "--target", "x86_64")));
        assertThat(fedoraNoSnd).doesNotContain("crate(pipewire").contains("crate(kvm-ioctls/default)");
        assertThat(fedora).as("libkrun-sev is off unless asked for").doesNotContain("crate(kbs-types");
        String fedoraSev = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                List.of("--define", "fedora 42", "--define", "_with_sev --with-sev", "--target", "x86_64")));
        assertThat(fedoraSev).contains("BuildRequires:  (crate(kbs-types/default) >= 0.13.0", "%package sev",
                " SEV=1");
        String aarch64Sev = Rpmbuild.parse(spec, new Rpmbuild.Options(WORK, 0, macros,
                List.of("--define", "fedora 42", "--define", "_with_sev --with-sev", "--target", "aarch64")));
        assertThat(aarch64Sev).as("SEV is x86_64 only").doesNotContain("crate(kbs-types");
    }

    /** The checked-in model and crates file, copied into {@code dir}, read with krunpack.yaml's facts. */
    private static org.krunpack.project.PackagingConfig copyOfCheckedIn(Path dir) throws Exception {
        org.krunpack.core.AtomicFiles.deleteTree(dir);
        Files.createDirectories(dir);
        Files.copy(Fixtures.ROOT.resolve("rpm/packaging.yaml"), dir.resolve("packaging.yaml"));
        Files.copy(CRATES_FILE, dir.resolve("libkrun.crates.yaml"));
        var project = org.krunpack.packaging.ProjectPackaging.config(org.krunpack.project.ProjectLoader.load(Fixtures.ROOT.resolve("krunpack.yaml")));
        return new org.krunpack.project.PackagingConfig(dir.resolve("packaging.yaml"), "rpm/packaging.yaml",
                Profile.STRICT, Fixtures.PACKAGER, null, dir, project.facts(), project.localSources(),
                project.generatedSources());
    }

    /** A libkrun "1.19.0" tarball made here from the real 1.18.1 one: its member's version changed, nothing else. */
    private static Path release1190(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-1.19.0"));
        Tools.check(List.of("tar", "-xzf", RealFixtures.libkrun1181().toString(), "-C", src.toString()), null, null);
        Files.move(src.resolve("libkrun-1.18.1"), src.resolve("libkrun-1.19.0"));
        Path member = src.resolve("libkrun-1.19.0/src/libkrun/Cargo.toml");
        Files.writeString(member, Files.readString(member).replaceFirst("(?m)^version = \"1.18.1\"", "version = \"1.19.0\""));
        Path out = Files.createDirectories(dir.resolve("sources")).resolve("libkrun-1.19.0.tar.gz");
        Tools.check(List.of("tar", "-czf", out.toString(), "-C", src.toString(), "libkrun-1.19.0"), null, null);
        return out;
    }

    @Test
    void bumpingLibkrunRegeneratesItsCratesFromTheNewReleaseOrRefusesWithoutIt() throws Exception {
        Path dir = WORK.resolve("bump-crates");
        org.krunpack.core.AtomicFiles.deleteTree(dir);
        var cfg = copyOfCheckedIn(dir.resolve("rpm"));
        String model = Files.readString(cfg.model());
        String crates = Files.readString(dir.resolve("rpm/libkrun.crates.yaml"));
        assertThatThrownBy(() -> Bump.run(cfg, Fixtures.bump("libkrun", "1.19.0", null, null)))
                .isInstanceOfSatisfying(KrunpackException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("packages.libkrun.cratesFile (libkrun.crates.yaml) is generated from the release:"
                        + " give --source-dir DIR holding libkrun-1.19.0.tar.gz");
        assertThat(Files.readString(cfg.model())).as("nothing written").isEqualTo(model);
        assertThat(Files.readString(dir.resolve("rpm/libkrun.crates.yaml"))).isEqualTo(crates);

        Path tarball = release1190(dir);
        Bump.run(cfg, Fixtures.bump("libkrun", "1.19.0", null, tarball.getParent()));
        CratesFile after = CratesFile.read(dir.resolve("rpm/libkrun.crates.yaml"));
        assertThat(after.version()).isEqualTo("1.19.0");
        assertThat(after.release()).isEqualTo("libkrun-1.19.0.tar.gz");
        assertThat(after.crates()).isEqualTo(CratesFile.read(CRATES_FILE).crates());
        assertThat(Specs.readModel(cfg).get("libkrun").version()).isEqualTo("1.19.0");
        assertThat(Files.readString(dir.resolve("rpm/libkrun.spec"))).contains("Version:        1.19.0",
                "BuildRequires:  (crate(kvm-ioctls/default) >= 0.22.0");
    }
}
