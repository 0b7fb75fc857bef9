package org.krunpack.copr;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CoprConfigTest {
    @TempDir
    Path dir;

    Path write(String text, String perms) throws IOException {
        Path f = dir.resolve("copr");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void readsTheCoprCliSection() throws IOException {
        Path f = write("[other]\nx = 1\n\n[copr-cli]\nlogin = lg\nusername = alice\ntoken = t0k\n"
                + "copr_url = https://copr.example.org/\n# expiration date: 2026-12-01\n", "rw-------");
        CoprConfig c = CoprConfig.load(f);
        assertThat(c.login()).isEqualTo("lg");
        assertThat(c.username()).isEqualTo("alice");
        assertThat(c.token().toString()).isEqualTo("****");
        assertThat(c.apiBase()).hasToString("https://copr.example.org/api_3/");
        assertThat(c.tokenPage()).isEqualTo("https://copr.example.org/api/");
        assertThat(c.warnings()).isEmpty();
        assertThat(c.toString()).doesNotContain("t0k");
    }

    @Test
    void defaultsToFedoraCopr() throws IOException {
        CoprConfig c = CoprConfig.load(write("[copr-cli]\nlogin=a\ntoken=b\n", "rw-------"));
        assertThat(c.apiBase()).hasToString("https://copr.fedorainfracloud.org/api_3/");
    }

    @Test
    void warnsWhenOthersCanReadIt() throws IOException {
        CoprConfig c = CoprConfig.load(write("[copr-cli]\nlogin=a\ntoken=b\n", "rw-r-----"));
        assertThat(c.warnings()).singleElement().asString().contains("readable by group or others", "chmod 600");
    }

    @Test
    void listsEveryProblemWithoutEchoingLines() throws IOException {
        Path f = write("[copr-cli]\nsecret-looking-line-without-equals\ncopr_url = http://copr.example.org\n",
                "rw-------");
        KrunpackException e = catchThrowableOfType(() -> CoprConfig.load(f), KrunpackException.class);
        assertThat(e.exitCode().code()).isEqualTo(2);
        assertThat(e.problems()).containsExactly(
                "line 2: not 'key = value'",
                "[copr-cli] login: required (copy it from <copr_url>/api/)",
                "[copr-cli] token: required (copy it from <copr_url>/api/)",
                "[copr-cli] copr_url: 'http://copr.example.org' must be an https URL (the token travels in it)");
        assertThat(e.getMessage()).doesNotContain("secret-looking-line");
    }

    @Test
    void aMissingFileSaysWhereToGetAToken() {
        KrunpackException e = catchThrowableOfType(() -> CoprConfig.load(dir.resolve("nope")), KrunpackException.class);
        assertThat(e.getMessage()).contains("https://copr.fedorainfracloud.org/api/", CoprConfig.ENV);
    }

    @Test
    void locationPrecedence() {
        Path home = Path.of("/home/u");
        Path opt = Path.of("/opt.ini");
        Path proj = Path.of("/proj.ini");
        Map<String, String> env = Map.of(CoprConfig.ENV, "/env.ini");
        assertThat(CoprConfig.locate(opt, env, proj, home)).isEqualTo(opt);
        assertThat(CoprConfig.locate(null, env, proj, home)).isEqualTo(Path.of("/env.ini"));
        assertThat(CoprConfig.locate(null, Map.of(), proj, home)).isEqualTo(proj);
        assertThat(CoprConfig.locate(null, Map.of(), null, home)).isEqualTo(Path.of("/home/u/.config/copr"));
    }

    /** Whatever the token, it is read back exactly and never shows up in problems. */
    @Property(tries = 200)
    void tokensRoundTripAndStayHidden(@ForAll @AlphaChars @NumericChars @StringLength(min = 8, max = 60) String token,
                                      @ForAll boolean withLogin) throws IOException {
        Path f = Files.createTempFile("copr", ".ini");
        try {
            Files.writeString(f, "[copr-cli]\n" + (withLogin ? "login = l\n" : "") + "token = " + token + "\n"
                    + "garbage " + token + "\n");
            KrunpackException e = catchThrowableOfType(() -> CoprConfig.load(f), KrunpackException.class);
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).doesNotContain(token);
            Files.writeString(f, "[copr-cli]\nlogin = l\ntoken = " + token + "  \n");
            CoprConfig c = CoprConfig.load(f);
            assertThat(c.token().scrub("x" + token + "y")).isEqualTo("x****y");
            assertThat(c.token().reveal()).isEqualTo(token);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
