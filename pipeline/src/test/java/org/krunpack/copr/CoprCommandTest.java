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
 * COPR's API v3 on loopback that behaves as the real frontend does (see {@link CoprStandInTest});
 * the real service is never contacted. Every run's stdout and stderr is kept and, at the end,
 * searched for the test token.
 */
class CoprCommandTest {
    static final String LOGIN = "apilogin-kqzv";
    static final String TOKEN = "tok-7fQ2xSECRETm9Lw4Rb8Z";
    static final List<String> ALL_OUTPUT = Collections.synchronizedList(new ArrayList<>());
    static final String UPLOAD = "POST /api_3/build/create/upload";

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

    /** {@code copr build} following the chain with quick polls. */
    Run build(String... args) {
        List<String> all = new ArrayList<>(List.of("build", "--interval", "2ms", "--timeout", "30s"));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    Run watch(String... args) {
        List<String> all = new ArrayList<>(List.of("watch", "--interval", "2ms", "--timeout", "30s"));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    List<Path> srpms() throws IOException {
        Files.createDirectories(out);
        List<Path> files = new ArrayList<>();
        // named out of chain order on purpose
        for (String n : List.of("crun-1.21-1.fc42.src.rpm", "libkrunfw-5.5.0-1.fc42.src.rpm",
                "libkrun-1.18.1-1.fc42.src.rpm")) {
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

    List<Long> ids() {
        return new ArrayList<>(copr.builds.keySet());
    }

    CoprStandIn.Build buildOf(String pkg) {
        return copr.builds.values().stream().filter(b -> pkg.equals(b.packageName)
                || (b.uploadedName != null && b.uploadedName.startsWith(pkg + "-"))
                || pkg.equals(b.specName)).reduce((a, b) -> b).orElseThrow();
    }

    // ---- setup ----

    @Test
    void setupChecksTheLoginCreatesWithExistOkAndTheSecondRunChangesNothing() {
        Run first = run("setup");
        assertThat(first.code()).as(first.all()).isZero();
        assertThat(first.out()).contains("chroots: (unset) -> [fedora-rawhide-aarch64, fedora-rawhide-x86_64]",
                "enable_net: (unset) -> false", "alice/krun: created");
        assertThat(copr.keys()).containsExactly("GET /api_3/auth-check", "GET /api_3/mock-chroots/list",
                "GET /api_3/project", "POST /api_3/project/add/alice");
        CoprStandIn.Seen add = copr.seen("POST /api_3/project/add/alice").get(0);
        assertThat(add.query()).isEqualTo("exist_ok=True");
        assertThat(add.json().path("name").asText()).isEqualTo("krun");
        assertThat(copr.projects.get("alice/krun").enableNet).isFalse();

        int before = copr.count();
        Run second = run("setup");
        assertThat(second.code()).as(second.all()).isZero();
        assertThat(second.out()).contains("nothing to change").doesNotContain("->");
        assertThat(copr.count() - before).as("the second run only reads").isEqualTo(3);
        assertThat(copr.count("POST /api_3/project/add/alice")).isEqualTo(1);
        assertThat(copr.count("PUT /api_3/project/edit/alice/krun")).isZero();
    }

    @Test
    void setupEditsOnlyTheFieldsThatDifferWithPut() {
        CoprStandIn.Project p = copr.project("alice", "krun", List.of("fedora-rawhide-x86_64", "fedora-44-x86_64"),
                true, "The krun stack: libkrunfw, libkrun, crun-krun", "");
        p.followFedoraBranching = false;
        Run r = run("setup");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains(
                "chroots: [fedora-44-x86_64, fedora-rawhide-x86_64] -> [fedora-rawhide-aarch64, fedora-rawhide-x86_64]",
                "enable_net: true -> false",
                "instructions: \"\" -> \"dnf copr enable alice/krun && dnf install crun-krun\"")
                .doesNotContain("description:");
        assertThat(copr.count("POST /api_3/project/edit/alice/krun")).isZero();
        JsonNode edit = copr.seen("PUT /api_3/project/edit/alice/krun").get(0).json();
        TreeSet<String> fields = new TreeSet<>();
        edit.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("chroots", "enable_net", "instructions");
        assertThat(run("setup").out()).contains("nothing to change");
    }

    @Test
    void setupKeepsTheChrootsCoprAddedWhenFedoraBranched() throws IOException {
        assertThat(run("setup").code()).isZero();
        copr.branchFedora(45);
        Run r = run("setup");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("nothing to change", "kept fedora-45-aarch64, fedora-45-x86_64: added by COPR"
                + " when Fedora branched");
        assertThat(copr.count("PUT /api_3/project/edit/alice/krun")).isZero();
        assertThat(copr.projects.get("alice/krun").chroots).contains("fedora-45-x86_64");

        Files.writeString(project, Files.readString(project).replace("enable_net: false",
                "enable_net: false\n  follow_fedora_branching: false"));
        Run off = run("setup");
        assertThat(off.code()).as(off.all()).isZero();
        assertThat(off.out()).contains("follow_fedora_branching: true -> false",
                "chroots: [fedora-45-aarch64, fedora-45-x86_64, fedora-rawhide-aarch64, fedora-rawhide-x86_64] ->"
                        + " [fedora-rawhide-aarch64, fedora-rawhide-x86_64]");
        assertThat(copr.projects.get("alice/krun").chroots).doesNotContain("fedora-45-x86_64");
    }

    @Test
    void setupRefusesUnknownAndEndOfLifeChrootsBeforeChangingAnything() throws IOException {
        Files.writeString(project, Files.readString(project).replace("- fedora-rawhide-aarch64",
                "- fedora-41-x86_64\n    - fedora-44-s390x"));
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("2 problems", "copr.chroots[1]: 'fedora-41-x86_64' is not a chroot COPR builds"
                + " in now", "active ones like it: fedora-43-x86_64, fedora-44-x86_64, fedora-rawhide-x86_64",
                "copr.chroots[2]: 'fedora-44-s390x'");
        assertThat(copr.keys()).containsExactly("GET /api_3/auth-check", "GET /api_3/mock-chroots/list");
    }

    @Test
    void setupSaysWhenCoprWillNotDropAChrootWithRunningBuilds() throws IOException {
        existingProject();
        srpms();
        assertThat(build("--detach").code()).isZero();
        Files.writeString(project, Files.readString(project).replace("    - fedora-rawhide-aarch64\n", ""));
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("HTTP 409 conflict: Can't drop chroot from project, related build "
                + ids().get(0) + " is still in progress", "wait for them (krunpack copr watch BUILD_ID)");
    }

    @Test
    void setupSetsTheForgeProjectsPackitMayBuildFrom() throws IOException {
        Files.writeString(project, Files.readString(project).replace("enable_net: false",
                "enable_net: false\n  packit_forge_projects_allowed: [https://github.com/example/krunpack]"));
        Run r = run("setup");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.projects.get("alice/krun").packitForgeProjects).containsExactly("github.com/example/krunpack");
        assertThat(run("setup").out()).contains("nothing to change");
    }

    @Test
    void setupDryRunSendsNothingAndMasksTheToken() {
        Run r = run("setup", "--dry-run");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count()).isZero();
        assertThat(r.out()).contains("GET " + copr.url() + "/api_3/auth-check",
                "GET " + copr.url() + "/api_3/project?ownername=alice&projectname=krun",
                "POST " + copr.url() + "/api_3/project/add/alice?exist_ok=True",
                "PUT " + copr.url() + "/api_3/project/edit/alice/krun",
                "Authorization: Basic " + LOGIN + ":****", "\"enable_net\" : false");
    }

    @Test
    void anExpiredTokenIsCaughtByTheAuthCheckBeforeAnyChange() throws IOException {
        writeConfig("tok-expired-4Hh1SECRETold", "rw-------");
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 401: Login invalid/expired", "has expired or is wrong",
                copr.url() + "/api/", dir.resolve("copr.ini").toString()).doesNotContain("tok-expired-4Hh1SECRETold");
        assertThat(copr.keys()).containsExactly("GET /api_3/auth-check");
    }

    @Test
    void anotherUsersProjectIs403WithItsOwnAdvice() throws IOException {
        copr.addLogin("bob-login", "bob-token", "bob");
        Files.writeString(dir.resolve("copr.ini"), "[copr-cli]\nlogin = bob-login\nusername = bob\ntoken = bob-token"
                + "\ncopr_url = " + copr.url() + "\n");
        Files.setPosixFilePermissions(dir.resolve("copr.ini"), PosixFilePermissions.fromString("rw-------"));
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 403", "is valid but may not do this in the project", "copr.owner");
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
    void aTimedOutCreateThatReachedCoprIsNotSentTwice() {
        copr.fault("POST /api_3/project/add/alice", new CoprStandIn.Fault(200, "{}", 3000, true));
        Run r = run("setup", "--request-timeout", "1s");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count("POST /api_3/project/add/alice")).isEqualTo(1);
        assertThat(copr.projects).containsKey("alice/krun");
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
                .replace("enable_net: false", "enable_net: maybe\n  colour: blue")
                .replace("timeout: 36000", "timeout: 108001");
        Files.writeString(project, yaml);
        Run r = run("setup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("5 problems", "copr.owner", "copr.chroots[1]", "copr.enable_net",
                "copr.colour", "copr.timeout: 108001 is out of range: use 0 to 108000");
        assertThat(copr.count()).isZero();
    }

    // ---- build: the chain ----

    @Test
    void eachLinkIsSubmittedOnlyAfterTheOneBeforeSucceededEverywhere() throws IOException {
        existingProject();
        srpms();
        Run r = build();
        assertThat(r.code()).as(r.all()).isZero();
        List<CoprStandIn.Seen> ups = copr.seen(UPLOAD);
        assertThat(ups).extracting(CoprStandIn.Seen::fileName).containsExactly(
                "libkrunfw-5.5.0-1.fc42.src.rpm", "libkrun-1.18.1-1.fc42.src.rpm", "crun-1.21-1.fc42.src.rpm");
        assertThat(ups).allMatch(CoprStandIn.Seen::authorized);
        assertThat(ups).noneMatch(u -> u.json().has("after_build_id"));
        List<Long> ids = ids();
        assertThat(copr.builds.get(ids.get(1)).othersAtCreation).containsExactly(
                java.util.Map.entry(ids.get(0), "succeeded"));
        assertThat(copr.builds.get(ids.get(2)).othersAtCreation).containsEntry(ids.get(1), "succeeded");
        // what copr-cli does first: the login, then the options, before the first byte of an SRPM
        assertThat(copr.keys().subList(0, 3)).containsExactly("GET /api_3/auth-check",
                "POST /api_3/build/check-before-build", UPLOAD);
        JsonNode first = ups.get(0).json();
        assertThat(first.path("timeout").asInt()).isEqualTo(36000);
        assertThat(first.path("enable_net").asBoolean(true)).isFalse();
        assertThat(first.path("chroots")).hasSize(2);
        assertThat(ups.get(0).fileBytes()).isEqualTo((int) Files.size(out.resolve("libkrunfw-5.5.0-1.fc42.src.rpm")));
        assertThat(r.out()).contains("level 2: libkrun #" + ids.get(1) + " from " + out.resolve(
                "libkrun-1.18.1-1.fc42.src.rpm"), "[ok]   copr build");
        assertThat(BuildChain.read(out.resolve("copr")).ids()).isEqualTo(ids);
    }

    @Test
    void whenLibkrunFailsCrunIsNeverBuiltAndTheReportSaysWhere() throws IOException {
        existingProject();
        srpms();
        copr.finalStates.put("libkrun/fedora-rawhide-aarch64", "failed");
        Run r = build();
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(copr.seen(UPLOAD)).extracting(CoprStandIn.Seen::fileName)
                .noneMatch(f -> f.startsWith("crun-"));
        long libkrun = buildOf("libkrun").id;
        String log = copr.url() + "/results/alice/krun/fedora-rawhide-aarch64/" + String.format("%08d", libkrun)
                + "-libkrun/builder-live.log.gz";
        assertThat(r.out()).contains("failed: libkrun #" + libkrun + " fedora-rawhide-aarch64: failed, log: " + log,
                "not submitted (the chain stopped): crun")
                .doesNotContain("failed: libkrun #" + libkrun + " fedora-rawhide-x86_64");
        assertThat(r.out()).contains("copr: the chain stops: libkrun #" + libkrun + " fedora-rawhide-aarch64");
        assertThat(BuildChain.read(out.resolve("copr")).stopped()).contains("fedora-rawhide-aarch64");
        // watching again does not revive the chain
        Run again = watch();
        assertThat(again.code()).isEqualTo(1);
        assertThat(copr.count(UPLOAD)).isEqualTo(2);
    }

    @Test
    void anSrpmBuildThatFailsShowsItsLog() throws IOException {
        existingProject();
        srpms();
        copr.srpmFails.add("libkrunfw");
        Run r = build("--format", "json");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        long id = ids().get(0);
        JsonNode doc = CoprStandIn.JSON.readTree(r.out());
        JsonNode details = doc.path("steps").get(0).path("details");
        assertThat(details.path("notSubmitted")).extracting(JsonNode::asText).containsExactly("libkrun", "crun");
        assertThat(details.path("problems").get(0).asText()).isEqualTo("failed: libkrunfw #" + id
                + ": the SRPM build failed before any chroot built, log: " + copr.url()
                + "/results/alice/krun/srpm-builds/" + String.format("%08d", id) + "/builder-live.log.gz");
        assertThat(copr.count("GET /api_3/build/source-chroot/" + id)).isEqualTo(1);
    }

    @Test
    void buildsOfOneLevelShareABatch() throws IOException {
        existingProject();
        Files.writeString(project, Files.readString(project).replace("timeout: 36000",
                "timeout: 36000\n  packages: [[libkrunfw, libkrun], crun]"));
        srpms();
        Run r = build();
        assertThat(r.code()).as(r.all()).isZero();
        List<CoprStandIn.Seen> ups = copr.seen(UPLOAD);
        List<Long> ids = ids();
        assertThat(ups.get(0).json().has("with_build_id")).isFalse();
        assertThat(ups.get(1).json().path("with_build_id").asLong()).isEqualTo(ids.get(0));
        assertThat(copr.builds.get(ids.get(0)).batch).isSameAs(copr.builds.get(ids.get(1)).batch);
        assertThat(copr.builds.get(ids.get(2)).othersAtCreation).containsEntry(ids.get(0), "succeeded")
                .containsEntry(ids.get(1), "succeeded");
        assertThat(r.out()).contains("level 1: libkrun #" + ids.get(1), "(batch of #" + ids.get(0) + ")");
    }

    @Test
    void afterAFinishedBuildTheChainStartsWithoutAskingCoprForABatch() throws IOException {
        existingProject();
        srpms();
        Files.writeString(project, Files.readString(project).replace("timeout: 36000",
                "timeout: 36000\n  packages: [libkrunfw]"));
        Files.delete(out.resolve("libkrun-1.18.1-1.fc42.src.rpm"));
        Files.delete(out.resolve("crun-1.21-1.fc42.src.rpm"));
        assertThat(build().code()).isZero();
        long done = ids().get(0);
        Files.writeString(project, Files.readString(project).replace("packages: [libkrunfw]", "packages: [crun]"));
        Files.write(out.resolve("crun-1.21-1.fc42.src.rpm"), "fake".getBytes());
        Files.delete(out.resolve("libkrunfw-5.5.0-1.fc42.src.rpm"));
        Run r = build("--after", String.valueOf(done));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.seen(UPLOAD).get(1).json().has("after_build_id")).isFalse();
    }

    @Test
    void afterAFailedBuildTheChainDoesNotStart() throws IOException {
        existingProject();
        srpms();
        copr.srpmFails.add("libkrunfw");
        Run failed = build();
        assertThat(failed.code()).isEqualTo(1);
        long bad = ids().get(0);
        Run r = build("--after", String.valueOf(bad));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(copr.count(UPLOAD)).isEqualTo(1);
        assertThat(r.out()).contains("the chain stops before it starts: build #" + bad + " (--after) did not succeed",
                "not submitted (the chain stopped): libkrunfw, libkrun, crun");
    }

    @Test
    void aBadTokenStopsTheChainBeforeAnyUpload() throws IOException {
        existingProject();
        srpms();
        writeConfig("tok-old-Zq9SECRET", "rw-------");
        Run r = build();
        assertThat(r.code()).isEqualTo(2);
        assertThat(copr.count(UPLOAD)).isZero();
        assertThat(r.err()).contains("HTTP 401").doesNotContain("tok-old-Zq9SECRET");
    }

    @Test
    void optionsCoprWouldRefuseAreCaughtBeforeAnyUpload() throws IOException {
        copr.project("alice", "krun", List.of("fedora-rawhide-x86_64"), false, "d", "i");
        srpms();
        Run r = build();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("POST " + copr.url() + "/api_3/build/check-before-build",
                "'chroots': [\"'fedora-rawhide-aarch64' is not a valid choice");
        assertThat(copr.count(UPLOAD)).isZero();
    }

    @Test
    void withoutTheProjectTheChainSaysToRunSetupAndUploadsNothing() throws IOException {
        srpms();
        Run r = build();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 404: Project alice/krun does not exist.", "run 'krunpack copr setup' first");
        assertThat(copr.count(UPLOAD)).isZero();
    }

    @Test
    void aDryRunOfTheWholeChainPrintsEveryRequestAndSendsNone() throws IOException {
        existingProject();
        srpms();
        Run r = build("--dry-run");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count()).isZero();
        String api = copr.url() + "/api_3/";
        assertThat(r.out()).contains("GET " + api + "auth-check", "POST " + api + "build/check-before-build",
                "POST " + api + "build/create/upload", "Authorization: Basic " + LOGIN + ":****",
                "part pkgs: libkrunfw-5.5.0-1.fc42.src.rpm", "part pkgs: crun-1.21-1.fc42.src.rpm",
                "only after libkrunfw succeeded in every chroot", "only after libkrun succeeded in every chroot",
                "GET " + api + "build/<id of the libkrunfw build>",
                "GET " + api + "build-chroot/list?build_id=<id of the crun build>", "build/source-chroot/<id>")
                .doesNotContain("after_build_id");
        assertThat(out.resolve("copr/builds.json")).doesNotExist();
    }

    @Test
    void detachedTheChainGoesOnWithWatch() throws IOException {
        existingProject();
        srpms();
        Run r = build("--detach");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count(UPLOAD)).isEqualTo(1);
        assertThat(r.out()).contains("follow with 'krunpack copr watch' (it goes on with the chain)");
        Run w = watch();
        assertThat(w.code()).as(w.all()).isZero();
        assertThat(copr.count(UPLOAD)).isEqualTo(3);
        assertThat(w.out()).contains("copr: level 3: crun: build #" + ids().get(2), "[ok]   copr watch");
    }

    @Test
    void aTimedOutUploadThatReachedCoprIsNotSubmittedTwice() throws IOException {
        existingProject();
        srpms();
        // COPR creates the build but answers after the client gave up
        copr.fault(UPLOAD, new CoprStandIn.Fault(200, "{}", 3000, true));
        Run r = build("--upload-timeout", "1s");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.builds).hasSize(3);
        assertThat(copr.count(UPLOAD)).isEqualTo(3);
        assertThat(copr.count("GET /api_3/build/list")).isEqualTo(1);
        assertThat(r.all()).contains("not submitting it again", "(found after a retry: submitted once)");
    }

    @Test
    void aRetryThatFindsNothingSubmitsAgain() throws IOException {
        existingProject();
        srpms();
        copr.fault(UPLOAD, new CoprStandIn.Fault(503, "busy", 0, false));
        Run r = build();
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copr.count(UPLOAD)).isEqualTo(4);
        assertThat(copr.builds).hasSize(3);
    }

    @Test
    void aRefusedSubmissionMidChainIsRecordedAndWatchGoesOn() throws IOException {
        existingProject();
        srpms();
        copr.fault(UPLOAD, new CoprStandIn.Fault(0, "", 0, false));
        copr.fault(UPLOAD, new CoprStandIn.Fault(400, "{\"error\": \"Bad request parameters: chroot gone\"}", 0, false));
        Run r = build();
        assertThat(r.code()).isEqualTo(2);
        long first = ids().get(0);
        assertThat(r.err()).contains("chroot gone", "Already submitted: libkrunfw #" + first,
                "'krunpack copr watch' follows them and goes on with the chain from libkrun");
        Run w = watch();
        assertThat(w.code()).as(w.all()).isZero();
        assertThat(copr.builds).hasSize(3);
    }

    @Test
    void scmBuildsUseMakeSrpmInChainOrder() {
        existingProject();
        Run r = build("--scm", "--committish", "v5.5.0");
        assertThat(r.code()).as(r.all()).isZero();
        List<CoprStandIn.Seen> scm = copr.seen("POST /api_3/build/create/scm");
        assertThat(scm).extracting(s -> s.json().path("spec").asText())
                .containsExactly("rpm/libkrunfw.spec", "rpm/libkrun.spec", "rpm/crun.spec");
        assertThat(scm).allSatisfy(s -> {
            assertThat(s.json().path("source_build_method").asText()).isEqualTo("make_srpm");
            assertThat(s.json().path("clone_url").asText()).isEqualTo("https://github.com/example/krunpack.git");
            assertThat(s.json().path("committish").asText()).isEqualTo("v5.5.0");
            assertThat(s.json().has("after_build_id")).isFalse();
        });
    }

    @Test
    void buildReportsAsOneJsonDocument() throws IOException {
        existingProject();
        srpms();
        Run r = build("--format", "json");
        assertThat(r.code()).as(r.all()).isZero();
        JsonNode doc = CoprStandIn.JSON.readTree(r.out());
        assertThat(doc.path("steps").get(0).path("details").path("links")).hasSize(3);
        assertThat(doc.path("artifacts").path("copr-builds").asText()).endsWith("builds.json");
    }

    @Test
    void anSrpmOutsideTheChainIsRefusedBeforeAnythingIsSent() throws IOException {
        existingProject();
        Files.createDirectories(out);
        Files.writeString(out.resolve("podman-5.0-1.src.rpm"), "x");
        Files.writeString(out.resolve("notes.src.rpm"), "x");
        Run r = build();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'podman' is not in the chain", "not named NAME-VERSION-RELEASE.src.rpm");
        assertThat(copr.count()).isZero();
    }

    // ---- watch ----

    @Test
    void watchOfBuildsEndsWith0WhenEverythingSucceeded() throws IOException {
        existingProject();
        srpms();
        assertThat(build("--detach").code()).isZero();
        Run r = watch(String.valueOf(ids().get(0)));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("fedora-rawhide-aarch64: running -> succeeded", "builder-live.log.gz",
                "[ok]   copr watch");
    }

    @Test
    void watchTimesOutWith3AndSaysWhatIsStillRunning() throws IOException {
        existingProject();
        srpms();
        copr.runningSteps = 1_000_000;
        assertThat(build("--detach").code()).isZero();
        copr.advance(ids().get(0), 6);
        assertThat(copr.stateOf(ids().get(0))).isEqualTo("running");
        Run r = run("watch", "--interval", "10ms", "--timeout", "150ms");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("timed out after 150 ms", "still running", "not submitted yet: libkrun, crun");
    }

    @Test
    void aStateKrunpackDoesNotKnowIsReportedAndEndsWith3() throws IOException {
        existingProject();
        srpms();
        copr.finalStates.put("libkrunfw/fedora-rawhide-x86_64", "exploded");
        // the build never finishes: the timeout ends the run (long enough to get there on a busy machine)
        Run r = run("build", "--interval", "2ms", "--timeout", "5s");
        assertThat(r.code()).isEqualTo(3);
        long id = ids().get(0);
        assertThat(r.all()).contains("libkrunfw #" + id + " fedora-rawhide-x86_64: COPR reports state 'exploded',"
                + " which krunpack does not know");
        assertThat(r.out()).contains("not understood: libkrunfw #" + id + " fedora-rawhide-x86_64: unknown state"
                + " 'exploded' (known: pending, importing");
    }

    @Test
    void aBuildCoprCallsUnknownIsJudgedByItsChroots() throws IOException {
        existingProject();
        srpms();
        assertThat(build("--detach").code()).isZero();
        long id = ids().get(0);
        copr.advance(id, 5);
        copr.endOfLife("fedora-rawhide-aarch64");
        copr.endOfLife("fedora-rawhide-x86_64");
        assertThat(copr.stateOf(id)).isEqualTo("unknown");
        Run r = watch(String.valueOf(id));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("failed: libkrunfw #" + id + " fedora-rawhide-aarch64: canceled")
                .doesNotContain("not understood");
    }

    @Test
    void watchReportsMalformedJsonPreciselyWith3() throws IOException {
        existingProject();
        srpms();
        assertThat(build("--detach").code()).isZero();
        long first = ids().get(0);
        copr.fault("GET /api_3/build/" + first, new CoprStandIn.Fault(200, "{\"id\": 1001, \"state\": ", 0, false));
        Run r = watch(String.valueOf(first), "--format", "json");
        assertThat(r.code()).isEqualTo(3);
        JsonNode doc = CoprStandIn.JSON.readTree(r.out());
        assertThat(doc.path("exitCode").asInt()).isEqualTo(3);
        assertThat(r.out()).contains("GET " + copr.url() + "/api_3/build/" + first, "malformed JSON",
                "the answer began: '{\\\"id\\\": 1001, \\\"state\\\":'");
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
        copr.finalStates.put("crun/fedora-rawhide-x86_64", "failed");
        Run r = build("--format", "json");
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
        assertThat(build("--detach").code()).isZero();
        CoprConfig cfg = CoprConfig.load(dir.resolve("copr.ini"));
        StringWriter sw = new StringWriter();
        CoprClient client = new CoprClient(CoprHttp.live(cfg, CoprHttp.Options.defaults(), new PrintWriter(sw), null));
        BuildWatcher.Result r = BuildWatcher.watch(client, List.of(ids().get(0)),
                new BuildWatcher.Options(java.time.Duration.ofSeconds(20), java.time.Duration.ofMillis(5), true),
                new PrintWriter(sw), d -> { }, System::nanoTime);
        assertThat(r.exitCode()).isZero();
        // 1 header + 2 rows, drawn again after moving the cursor up 3 lines
        assertThat(sw.toString()).contains("\033[3A\033[J");
        ALL_OUTPUT.add(sw.toString());
    }

    @Test
    void packitWritesTheConfigAndWarnsWithoutAForgeProject() throws IOException {
        Path file = dir.resolve(".packit.yaml");
        Run r = run("packit", "--output", file.toString());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(Files.readString(file)).contains("owner: \"alice\"", "specfile_path: rpm/libkrunfw.spec",
                "create-archive:", "Packit has no way to chain builds");
        assertThat(r.out()).contains("copr.packit_forge_projects_allowed is not set");
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
    void cancelPutsAndDryRunDoesNotAndAFinishedBuildIs409() throws IOException {
        existingProject();
        srpms();
        assertThat(build("--detach").code()).isZero();
        long id = ids().get(0);
        int before = copr.count();
        Run dry = run("cancel", String.valueOf(id), "--dry-run");
        assertThat(dry.out()).contains("PUT " + copr.url() + "/api_3/build/cancel/" + id,
                "Authorization: Basic " + LOGIN + ":****");
        assertThat(copr.count()).isEqualTo(before);
        Run r = run("cancel", String.valueOf(id));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("#" + id + ": canceled");
        assertThat(copr.count("PUT /api_3/build/cancel/" + id)).isEqualTo(1);
        Run again = run("cancel", String.valueOf(id));
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("HTTP 409 conflict: Cannot cancel build " + id);
    }
}
