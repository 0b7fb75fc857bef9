package org.krunpack.copr;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code krunpack copr} end to end through the CLI, against {@link CoprStandIn}, a stand-in for
 * COPR's API v3 on loopback (the real service is never contacted). Every run's stdout and stderr
 * is kept and, at the end, searched for the test token.
 */
class CoprCommandTest {
    static final String LOGIN = "apilogin-kqzv";
    static final String TOKEN = "tok-7fQ2xSECRETm9Lw4Rb8Z";
    static final List<String> ALL_OUTPUT = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path dir;
    CoprStandIn copr;
    Path project;
    Path out;

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        copr = new CoprStandIn(LOGIN, TOKEN, "alice");
        Path fixture = Path.of("src/test/resources/copr/project");
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        project = dir.resolve("krunpack.yaml");
        out = dir.resolve("out");
        writeConfig(TOKEN, "rw-------");
    }

    @AfterEach
    void tearDown() {
        copr.close();
    }

    @AfterAll
    static void noOutputHoldsTheToken() {
        assertThat(ALL_OUTPUT).isNotEmpty();
        for (String o : ALL_OUTPUT) {
            assertThat(o).doesNotContain(TOKEN);
        }
    }

    void writeConfig(String token, String perms) throws IOException {
        Path ini = dir.resolve("copr.ini");
        Files.writeString(ini, "[copr-cli]\nlogin = " + LOGIN + "\nusername = alice\ntoken = " + token
                + "\ncopr_url = " + copr.url() + "\n# expiration date: 2027-01-01\n");
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString(perms));
    }

    Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("copr"));
        all.addAll(List.of(args));
        all.addAll(List.of("-c", project.toString(), "--out", out.toString(), "--retry-delay", "1ms"));
        CommandLine cl = Main.commandLine();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(all.toArray(String[]::new));
        Run r = new Run(code, o.toString(), e.toString());
        ALL_OUTPUT.add(r.all());
        return r;
    }

    List<Path> srpms() throws IOException {
        Files.createDirectories(out);
        List<Path> files = new ArrayList<>();
        // named out of chain order on purpose
        for (String n : List.of("crun-1.29.1-1.fc42.src.rpm", "libkrunfw-5.5.0-1.fc42.src.rpm",
                "libkrun-1.19.0-1.fc42.src.rpm")) {
            Path f = out.resolve(n);
            Files.write(f, ("fake srpm " + n).repeat(100).getBytes());
            files.add(f);
        }
        return files;
    }

    void existingProject() {
        copr.project("alice", "krun", List.of("fedora-rawhide-x86_64", "fedora-rawhide-aarch64"), false,
                "The krun stack: libkrunfw, libkrun, crun-krun", "dnf copr enable alice/krun && dnf install crun-krun");
    }

    // ---- setup ----

    @Test
    void setupCreatesTheProjectAndTheSecondRunChangesNothing() {
        Run first = run("setup");
        assertThat(first.code()).as(first.all()).isZero();
        assertThat(first.out()).contains("chroots: (unset) -> [fedora-rawhide-aarch64, fedora-rawhide-x86_64]",
                "enable_net: (unset) -> false", "alice/krun: created");
        assertThat(copr.count("POST /api_3/project/add/alice")).isEqualTo(1);
        JsonNode add = copr.seen("POST /api_3/project/add/alice").get(0).json();
        assertThat(add.path("name").asText()).isEqualTo("krun");
        assertThat(add.path("enable_net").asBoolean(true)).isFalse();

        int before = copr.count();
        Run second = run("setup");
        assertThat(second.code()).as(second.all()).isZero();
        assertThat(second.out()).contains("nothing to change").doesNotContain("->");
        assertThat(copr.count() - before).as("the second run only reads").isEqualTo(1);
        assertThat(copr.count("POST /api_3/project/add/alice")).isEqualTo(1);
        assertThat(copr.count("POST /api_3/project/edit/alice/krun")).isZero();
    }

    @Test
    void setupEditsOnlyTheFieldsThatDiffer() {
        copr.project("alice", "krun", List.of("fedora-rawhide-x86_64", "fedora-42-x86_64"), true,
                "The krun stack: libkrunfw, libkrun, crun-krun", "");
        Run r = run("setup");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains(
                "chroots: [fedora-42-x86_64, fedora-rawhide-x86_64] -> [fedora-rawhide-aarch64, fedora-rawhide-x86_64]",
                "enable_net: true -> false",
                "instructions: \"\" -> \"dnf copr enable alice/krun && dnf install crun-krun\"")
                .doesNotContain("description:");
        JsonNode edit = copr.seen("POST /api_3/project/edit/alice/krun").get(0).json();
        TreeSet<String> fields = new TreeSet<>();
        edit.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("chroots", "enable_net", "instructions");
        assertThat(run("setup").out()).contains("nothing to change");
    }

    @Test
    void setupDryRunSendsNothingAndMasksTheToken() {
        Run r = run("setup", "--dry-run");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count()).isZero();
        assertThat(r.out()).contains("GET " + copr.url() + "/api_3/project?ownername=alice&projectname=krun",
                "POST " + copr.url() + "/api_3/project/add/alice",
                "POST " + copr.url() + "/api_3/project/edit/alice/krun",
                "Authorization: Basic " + LOGIN + ":****", "\"enable_net\" : false");
    }

    @Test
    void anExpiredTokenSaysWhereToGetANewOne() throws IOException {
        writeConfig("tok-expired-4Hh1SECRETold", "rw-------");
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 403", "may have expired", copr.url() + "/api/",
                dir.resolve("copr.ini").toString()).doesNotContain("tok-expired-4Hh1SECRETold");
        assertThat(copr.count("POST /api_3/project/add/alice")).isEqualTo(1);
    }

    @Test
    void a401IsExplainedLikeA403() {
        copr.fault("GET /api_3/project", new CoprStandIn.Fault(401, "{\"error\": \"Unauthorized\"}", 0, false));
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 401: Unauthorized", "may have expired", copr.url() + "/api/");
    }

    @Test
    void aConfigReadableByOthersGetsAWarning() throws IOException {
        writeConfig(TOKEN, "rw-r--r--");
        Run r = run("setup");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.err()).contains("readable by group or others", "chmod 600");
    }

    @Test
    void a500IsRetriedThenSucceeds() {
        copr.fault("GET /api_3/project", new CoprStandIn.Fault(500, "{\"error\": \"database hiccup\"}", 0, false));
        Run r = run("setup");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count("GET /api_3/project")).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 500: database hiccup; retrying");
        assertThat(copr.count("POST /api_3/project/add/alice")).isEqualTo(1);
    }

    @Test
    void repeated500sGiveUpAfterTheRetriesWithExit3() {
        for (int i = 0; i < 5; i++) {
            copr.fault("GET /api_3/project", new CoprStandIn.Fault(503, "<html>busy</html>", 0, false));
        }
        Run r = run("setup", "--retries", "2");
        assertThat(r.code()).isEqualTo(3);
        assertThat(copr.count("GET /api_3/project")).isEqualTo(3);
        assertThat(r.err()).contains("3 times", "HTTP 503: '<html>busy</html>'");
    }

    @Test
    void debugOutputShowsRequestsButNotTheToken() {
        Run r = run("setup", "--debug");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.err()).contains("> GET " + copr.url() + "/api_3/project", "> POST", "< 200");
    }

    @Test
    void problemsInTheCoprSectionAreListedAtOnce() throws IOException {
        String yaml = Files.readString(project)
                .replace("owner: alice", "owner: \"bad owner\"")
                .replace("- fedora-rawhide-aarch64", "- fedora-rawhide-sparc")
                .replace("enable_net: false", "enable_net: maybe\n  colour: blue");
        Files.writeString(project, yaml);
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("4 problems", "copr.owner", "copr.chroots[1]", "copr.enable_net",
                "copr.colour");
        assertThat(copr.count()).isZero();
    }

    // ---- build ----

    @Test
    void buildPostsThreeChainedUploads() throws IOException {
        existingProject();
        srpms();
        Run r = run("build");
        assertThat(r.code()).as(r.all()).isZero();
        List<CoprStandIn.Seen> ups = copr.seen("POST /api_3/build/create/upload");
        assertThat(ups).extracting(CoprStandIn.Seen::fileName).containsExactly(
                "libkrunfw-5.5.0-1.fc42.src.rpm", "libkrun-1.19.0-1.fc42.src.rpm", "crun-1.29.1-1.fc42.src.rpm");
        assertThat(ups).allMatch(CoprStandIn.Seen::authorized);
        List<Long> ids = new ArrayList<>(copr.builds.keySet());
        assertThat(ids).hasSize(3);
        assertThat(ups.get(0).json().has("after_build_id")).isFalse();
        assertThat(ups.get(1).json().path("after_build_id").asLong()).isEqualTo(ids.get(0));
        assertThat(ups.get(2).json().path("after_build_id").asLong()).isEqualTo(ids.get(1));
        JsonNode first = ups.get(0).json();
        assertThat(first.path("ownername").asText()).isEqualTo("alice");
        assertThat(first.path("projectname").asText()).isEqualTo("krun");
        assertThat(first.path("timeout").asInt()).isEqualTo(36000);
        assertThat(first.path("enable_net").asBoolean(true)).isFalse();
        assertThat(first.path("chroots")).hasSize(2);
        assertThat(ups.get(0).fileBytes()).isEqualTo((int) Files.size(out.resolve("libkrunfw-5.5.0-1.fc42.src.rpm")));
        assertThat(r.out()).contains("libkrun #" + ids.get(1) + " from libkrun-1.19.0-1.fc42.src.rpm after #"
                + ids.get(0));
        assertThat(out.resolve("copr/builds.json")).exists();
    }

    @Test
    void buildDryRunSendsNothingAndMasksTheToken() throws IOException {
        existingProject();
        srpms();
        Run r = run("build", "--dry-run");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count()).isZero();
        assertThat(r.out()).contains("POST " + copr.url() + "/api_3/build/create/upload",
                "Authorization: Basic " + LOGIN + ":****", "part pkgs: libkrunfw-5.5.0-1.fc42.src.rpm",
                "<id COPR gives the libkrunfw build>", "<id COPR gives the libkrun build>");
        assertThat(out.resolve("copr/builds.json")).doesNotExist();
    }

    @Test
    void aTimedOutUploadThatReachedCoprIsNotSubmittedTwice() throws IOException {
        existingProject();
        srpms();
        // COPR creates the build but answers after the client gave up
        copr.fault("POST /api_3/build/create/upload", new CoprStandIn.Fault(200, "{}", 1500, true));
        Run r = run("build", "--upload-timeout", "300ms");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.builds).hasSize(3);
        assertThat(copr.count("POST /api_3/build/create/upload")).isEqualTo(3);
        assertThat(copr.count("GET /api_3/build/list")).isEqualTo(1);
        List<Long> ids = new ArrayList<>(copr.builds.keySet());
        List<CoprStandIn.Seen> ups = copr.seen("POST /api_3/build/create/upload");
        assertThat(ups.get(1).json().path("after_build_id").asLong()).isEqualTo(ids.get(0));
        assertThat(r.all()).contains("not submitting it again");
    }

    @Test
    void a500AfterTheBuildWasCreatedIsNotSubmittedTwice() throws IOException {
        existingProject();
        srpms();
        copr.fault("POST /api_3/build/create/upload", new CoprStandIn.Fault(502, "bad gateway", 0, true));
        Run r = run("build");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.builds).hasSize(3);
        assertThat(r.out()).contains("(found after a retry: submitted once)");
    }

    @Test
    void aRetryThatFindsNothingSubmitsAgain() throws IOException {
        existingProject();
        srpms();
        copr.fault("POST /api_3/build/create/upload", new CoprStandIn.Fault(503, "busy", 0, false));
        Run r = run("build");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count("POST /api_3/build/create/upload")).isEqualTo(4);
        assertThat(copr.builds).hasSize(3);
    }

    @Test
    void aFailureMidChainSaysWhatWasSubmittedAndHowToGoOn() throws IOException {
        existingProject();
        srpms();
        // the first upload goes through; the second is refused
        copr.fault("POST /api_3/build/create/upload", new CoprStandIn.Fault(0, "", 0, false));
        copr.fault("POST /api_3/build/create/upload", new CoprStandIn.Fault(400,
                "{\"error\": \"Bad request parameters: chroot gone\"}", 0, false));
        Run r = run("build");
        assertThat(r.code()).isEqualTo(2);
        long first = copr.builds.keySet().iterator().next();
        assertThat(r.err()).contains("chroot gone", "Already submitted: libkrunfw #" + first,
                "krunpack copr build --after " + first);
        assertThat(BuildSubmitter.recorded(out.resolve("copr"))).containsExactly(first);
    }

    @Test
    void scmBuildsUseMakeSrpmInChainOrder() {
        existingProject();
        Run r = run("build", "--scm", "--committish", "v5.5.0");
        assertThat(r.code()).as(r.all()).isZero();
        List<CoprStandIn.Seen> scm = copr.seen("POST /api_3/build/create/scm");
        assertThat(scm).extracting(s -> s.json().path("spec").asText())
                .containsExactly("rpm/libkrunfw.spec", "rpm/libkrun.spec", "rpm/crun.spec");
        assertThat(scm).allSatisfy(s -> {
            assertThat(s.json().path("source_build_method").asText()).isEqualTo("make_srpm");
            assertThat(s.json().path("clone_url").asText()).isEqualTo("https://github.com/example/krunpack.git");
            assertThat(s.json().path("committish").asText()).isEqualTo("v5.5.0");
        });
        List<Long> ids = new ArrayList<>(copr.builds.keySet());
        assertThat(scm.get(2).json().path("after_build_id").asLong()).isEqualTo(ids.get(1));
    }

    @Test
    void buildReportsAsOneJsonDocument() throws IOException {
        existingProject();
        srpms();
        Run r = run("build", "--format", "json");
        assertThat(r.code()).as(r.all()).isZero();
        JsonNode doc = CoprStandIn.JSON.readTree(r.out());
        assertThat(doc.path("steps").get(0).path("details").path("builds")).hasSize(3);
        assertThat(doc.path("artifacts").path("copr-builds").asText()).endsWith("builds.json");
    }

    @Test
    void anSrpmOutsideTheChainIsRefusedBeforeAnythingIsSent() throws IOException {
        existingProject();
        Files.createDirectories(out);
        Files.writeString(out.resolve("podman-5.0-1.src.rpm"), "x");
        Files.writeString(out.resolve("notes.src.rpm"), "x");
        Run r = run("build");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'podman' is not in the chain", "not named NAME-VERSION-RELEASE.src.rpm");
        assertThat(copr.count()).isZero();
    }

    // ---- watch ----

    @Test
    void watchEndsWith0WhenEverythingSucceeded() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        Run r = run("watch", "--interval", "10ms", "--timeout", "20s");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("fedora-rawhide-aarch64: running -> succeeded", "builder-live.log.gz",
                "[ok]   copr watch");
    }

    @Test
    void watchEndsWith1WhenOneChrootFails() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        copr.finalStates.put("libkrun/fedora-rawhide-aarch64", "failed");
        List<Long> ids = new ArrayList<>(copr.builds.keySet());
        Run r = run("watch", "--interval", "10ms", "--timeout", "20s");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("failed: libkrun #" + ids.get(1) + " fedora-rawhide-aarch64: failed, log: "
                + copr.url() + "/results/alice/krun/fedora-rawhide-aarch64/0" + ids.get(1) + "-libkrun/builder-live.log.gz");
        assertThat(r.out()).doesNotContain("failed: libkrun #" + ids.get(1) + " fedora-rawhide-x86_64");
    }

    @Test
    void watchTimesOutWith3() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        copr.pollsUntilDone = 1_000_000;
        Run r = run("watch", "--interval", "10ms", "--timeout", "150ms");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("timed out after 150 ms", "still running");
    }

    @Test
    void watchReportsAnUnknownStatePrecisely() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        copr.finalStates.put("crun/fedora-rawhide-x86_64", "exploded");
        long crun = new ArrayList<>(copr.builds.keySet()).get(2);
        Run r = run("watch", "--interval", "10ms", "--timeout", "2s");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.all()).contains("crun #" + crun + " fedora-rawhide-x86_64: COPR reports state 'exploded',"
                + " which krunpack does not know");
        assertThat(r.err()).contains("not understood: crun #" + crun + " fedora-rawhide-x86_64: unknown state"
                + " 'exploded' (known: pending, importing");
    }

    @Test
    void watchReportsMalformedJsonPreciselyWith3() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        long first = copr.builds.keySet().iterator().next();
        copr.fault("GET /api_3/build/" + first, new CoprStandIn.Fault(200, "{\"id\": 1001, \"state\": ", 0, false));
        Run r = run("watch", String.valueOf(first), "--interval", "10ms", "--timeout", "5s");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("GET " + copr.url() + "/api_3/build/" + first, "malformed JSON",
                "the answer began: '{\"id\": 1001, \"state\":'");
    }

    @Test
    void watchWithoutBuildsNamesWhatToDo() {
        Run r = run("watch");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("builds.json does not exist", "pass BUILD_ID");
    }

    @Test
    void watchInJsonIsOneDocumentWithTheOutcome() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        copr.finalStates.put("crun/fedora-rawhide-x86_64", "failed");
        Run r = run("watch", "--interval", "10ms", "--timeout", "20s", "--format", "json");
        assertThat(r.code()).isEqualTo(1);
        JsonNode doc = CoprStandIn.JSON.readTree(r.out());
        assertThat(doc.path("exitCode").asInt()).isEqualTo(1);
        JsonNode details = doc.path("steps").get(0).path("details");
        assertThat(details.path("builds")).hasSize(3);
        assertThat(details.path("builds").get(2).path("chroots").findValuesAsText("state"))
                .containsExactly("succeeded", "failed");
    }

    @Test
    void onATerminalTheTableIsRedrawn() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        CoprConfig cfg = CoprConfig.load(dir.resolve("copr.ini"));
        StringWriter sw = new StringWriter();
        CoprClient client = new CoprClient(CoprHttp.live(cfg, CoprHttp.Options.defaults(), new PrintWriter(sw), null));
        List<Long> ids = new ArrayList<>(copr.builds.keySet());
        BuildWatcher.Result r = BuildWatcher.watch(client, ids,
                new BuildWatcher.Options(java.time.Duration.ofSeconds(20), java.time.Duration.ofMillis(5), true),
                new PrintWriter(sw), d -> { }, System::nanoTime);
        assertThat(r.exitCode()).isZero();
        // 1 header + 6 rows, drawn twice: the second time after moving the cursor up 7 lines
        assertThat(sw.toString()).contains("\033[7A\033[J");
        ALL_OUTPUT.add(sw.toString());
    }

    @Test
    void packitWritesTheConfig() throws IOException {
        Path file = dir.resolve(".packit.yaml");
        Run r = run("packit", "--output", file.toString());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(Files.readString(file)).contains("owner: \"alice\"", "specfile_path: rpm/libkrunfw.spec",
                "only manipulates Source0");
        assertThat(copr.count()).isZero();
    }

    @Test
    void aBadDurationIsAUsageError() {
        Run r = run("watch", "1001", "--timeout", "soon");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'soon' is not a duration like 500ms, 30s, 5m or 4h");
    }

    // ---- cancel ----

    @Test
    void cancelPutsAndDryRunDoesNot() throws IOException {
        existingProject();
        srpms();
        assertThat(run("build").code()).isZero();
        long id = copr.builds.keySet().iterator().next();
        int before = copr.count();
        Run dry = run("cancel", String.valueOf(id), "--dry-run");
        assertThat(dry.out()).contains("PUT " + copr.url() + "/api_3/build/cancel/" + id,
                "Authorization: Basic " + LOGIN + ":****");
        assertThat(copr.count()).isEqualTo(before);
        Run r = run("cancel", String.valueOf(id));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("#" + id + ": canceled");
        assertThat(copr.count("PUT /api_3/build/cancel/" + id)).isEqualTo(1);
    }

}
