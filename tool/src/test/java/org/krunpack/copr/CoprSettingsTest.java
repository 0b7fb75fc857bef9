package org.krunpack.copr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CoprSettingsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode yaml(String s) throws Exception {
        return YAML.readTree(s).path("copr");
    }

    @Test
    void readsTheFixtureProject() {
        Project p = ProjectLoader.load(Path.of("src/test/resources/copr/project/krunpack.yaml"));
        CoprSettings s = CoprSettings.from(p.raw().path("copr"), p.baseDir(), "krunpack.yaml");
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
        CoprSettings s = CoprSettings.from(yaml("copr: {owner: '@krun', project: krun, chroots: [epel-9-x86_64]}"),
                Path.of("/p"), "k.yaml");
        assertThat(s.enableNet()).isNull();
        assertThat(s.description()).isNull();
        assertThat(s.scm()).isNull();
        assertThat(s.owner()).isEqualTo("@krun");
    }

    @Test
    void everyProblemAtOnceWithItsPath() throws Exception {
        KrunpackException e = catchThrowableOfType(() -> CoprSettings.from(yaml("""
                copr:
                  project: "my project"
                  chroots: [fedora-rawhide-x86_64, fedora-rawhide-x86_64, centos-stream-10]
                  enable_net: "yes"
                  timeout: -5
                  packages: []
                  scm: {clone_url: "file:///tmp/x", subdirectory: "../up", branch: main}
                  chroot: typo
                """), Path.of("/p"), "k.yaml"), KrunpackException.class);
        assertThat(e.exitCode().code()).isEqualTo(2);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "copr.chroot: unknown key (known: chroots, config, description, enable_net, instructions, owner,"
                        + " packages, project, scm, timeout)",
                "copr.owner: required",
                "copr.project: 'my project' is not a valid project name (letters, digits, . _ + -)",
                "copr.chroots[1]: 'fedora-rawhide-x86_64' is listed twice",
                "copr.chroots[2]: 'centos-stream-10' is not a chroot name like fedora-rawhide-x86_64",
                "copr.enable_net: 'yes' is not true or false",
                "copr.timeout: '-5' is not a positive number of seconds",
                "copr.packages: must list at least one package",
                "copr.scm.branch: unknown key (known: clone_url, committish, subdirectory)",
                "copr.scm.clone_url: 'file:///tmp/x' is not an https:// or git:// URL COPR can clone",
                "copr.scm.subdirectory: must be a relative path inside the repository");
        assertThat(e.getMessage()).startsWith("k.yaml: 11 problems");
    }

    @Test
    void aMissingSectionSaysWhatToAdd() throws Exception {
        KrunpackException e = catchThrowableOfType(() -> CoprSettings.from(yaml("other: 1"), Path.of("/p"), "k.yaml"),
                KrunpackException.class);
        assertThat(e.problems()).containsExactly("copr: section missing: add owner, project and chroots"
                + " (see docs/copr.md)");
    }

    @Test
    void chrootNamesFromTheDomain() throws Exception {
        for (String c : List.of("fedora-rawhide-x86_64", "fedora-44-aarch64", "centos-stream-10-x86_64",
                "epel-9-x86_64", "fedora-43-riscv64")) {
            assertThat(CoprSettings.from(yaml("copr: {owner: a, project: b, chroots: [" + c + "]}"), Path.of("/"),
                    "k").chroots()).containsExactly(c);
        }
    }
}
