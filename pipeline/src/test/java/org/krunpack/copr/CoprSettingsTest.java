package org.krunpack.copr;

import org.krunpack.project.CoprSettings;
import org.junit.jupiter.api.Test;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CoprSettingsTest {
    static CoprSettings parse(String yaml) {
        return CoprSettings.parse(yaml, Path.of("/p"), "k.yaml");
    }

    @Test
    void readsTheFixtureProject() {
        Project p = ProjectLoader.load(Path.of("src/test/resources/copr/project/krunpack.yaml"));
        CoprSettings s = p.copr();
        assertThat(s.fullName()).isEqualTo("alice/krun");
        assertThat(s.chroots()).containsExactly("fedora-rawhide-x86_64", "fedora-rawhide-aarch64");
        assertThat(s.enableNet()).isFalse();
        assertThat(s.timeout()).isEqualTo(36000);
        assertThat(s.packages()).isEqualTo(CoprSettings.DEFAULT_CHAIN);
        assertThat(s.config()).isEqualTo(p.baseDir().resolve("copr.ini"));
        assertThat(s.scm().cloneUrl()).isEqualTo("https://github.com/example/krunpack.git");
    }

    @Test
    void unsetOptionalFieldsStayNull() throws Exception {
        CoprSettings s = parse("copr: {owner: '@krun', project: krun, chroots: [epel-9-x86_64]}");
        assertThat(s.enableNet()).isNull();
        assertThat(s.description()).isNull();
        assertThat(s.scm()).isNull();
        assertThat(s.owner()).isEqualTo("@krun");
    }

    @Test
    void everyProblemAtOnceWithItsPath() throws Exception {
        KrunpackException e = catchThrowableOfType(() -> parse("""
                copr:
                  project: "my project"
                  chroots: [fedora-rawhide-x86_64, fedora-rawhide-x86_64, centos-stream-10]
                  enable_net: "yes"
                  timeout: -5
                  packages: []
                  scm: {clone_url: "file:///tmp/x", subdirectory: "../up", branch: main}
                  chroot: typo
                """), KrunpackException.class);
        assertThat(e.exitCode().code()).isEqualTo(2);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "copr.project: 'my project' is not a valid project name (letters, digits, . _ + -) (line 2)",
                "copr.chroots[1]: 'fedora-rawhide-x86_64' is listed twice (line 3)",
                "copr.chroots[2]: 'centos-stream-10' is not a chroot name like fedora-rawhide-x86_64 (line 3)",
                "copr.enable_net: 'yes' is not true or false (line 4)",
                "copr.timeout: -5 is out of range: use 0 to 108000 (line 5)",
                "copr.packages: must list at least one package (line 6)",
                "copr.scm.branch: unknown key (known: clone_url, committish, subdirectory) (line 7)",
                "copr.scm.clone_url: 'file:///tmp/x' is not an https://, http:// or git:// URL with a host that COPR"
                        + " can clone (line 7)",
                "copr.scm.subdirectory: must be a relative path inside the repository (line 7)",
                "copr.chroot: unknown key; did you mean 'chroots'? (known: chroots, config, description,"
                        + " enable_net, follow_fedora_branching, instructions, owner, packages,"
                        + " packit_forge_projects_allowed, project, scm, timeout) (line 8)",
                "copr.owner: required (line 2)");
        assertThat(e.getMessage()).startsWith("k.yaml: 11 problems");
    }

    @Test
    void aMissingSectionSaysWhatToAdd() throws Exception {
        KrunpackException e = catchThrowableOfType(() -> parse("other: 1"), KrunpackException.class);
        assertThat(e.problems()).containsExactly("copr: section missing: add owner, project and chroots"
                + " (see docs/copr.md) (line 1)");
    }

    @Test
    void theChainHasLevelsAndForgeProjectsLoseTheirScheme() {
        CoprSettings s = parse("""
                copr:
                  owner: alice
                  project: krun
                  chroots: [fedora-rawhide-x86_64]
                  follow_fedora_branching: false
                  packit_forge_projects_allowed: [https://github.com/example/krunpack, gitlab.com/a/b/c]
                  timeout: 108000
                  packages: [[libkrunfw, libkrunfw-sev], libkrun, crun]
                """);
        assertThat(s.chain()).containsExactly(List.of("libkrunfw", "libkrunfw-sev"), List.of("libkrun"),
                List.of("crun"));
        assertThat(s.packages()).containsExactly("libkrunfw", "libkrunfw-sev", "libkrun", "crun");
        assertThat(s.followFedoraBranching()).isFalse();
        assertThat(s.packitForgeProjects()).containsExactly("github.com/example/krunpack", "gitlab.com/a/b/c");
        assertThat(s.timeout()).isEqualTo(108000);
    }

    @Test
    void badLevelsAndForgeProjectsAreNamed() throws Exception {
        KrunpackException e = catchThrowableOfType(() -> parse("""
                copr:
                  owner: alice
                  project: krun
                  chroots: [fedora-rawhide-x86_64]
                  packit_forge_projects_allowed: [example]
                  packages: [[], libkrun, [crun, libkrun]]
                """), KrunpackException.class);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "copr.packit_forge_projects_allowed[0]: 'example' is not a forge project like github.com/OWNER/REPO"
                        + " (line 5)",
                "copr.packages[0]: an empty level: list at least one package (line 6)",
                "copr.packages[2][1]: 'libkrun' is listed twice (line 6)");
    }

    @Test
    void chrootNamesFromTheDomain() throws Exception {
        for (String c : List.of("fedora-rawhide-x86_64", "fedora-44-aarch64", "centos-stream-10-x86_64",
                "epel-9-x86_64", "fedora-43-riscv64")) {
            assertThat(parse("copr: {owner: a, project: b, chroots: [" + c + "]}").chroots()).containsExactly(c);
        }
    }
}
