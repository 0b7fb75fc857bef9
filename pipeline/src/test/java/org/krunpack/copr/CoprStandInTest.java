package org.krunpack.copr;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stand-in tells the truth: each test is one behaviour of the real COPR frontend (read from
 * fedora-copr/copr's apiv3 views, forms and models), sent as raw HTTP. The stand-in krunpack's tests
 * used before this one got every one of them wrong (403 for a bad token, any chroot accepted, no
 * batches, its own state flow, 404 for an unknown build's chroots, enable_net true, no SCM checks).
 */
class CoprStandInTest {
    static final String LOGIN = "apilogin-raw";
    static final String TOKEN = "tok-raw-9Xx";

    CoprStandIn copr;
    final HttpClient http = HttpClient.newHttpClient();

    record Answer(int status, JsonNode json, String text) {
    }

    @BeforeEach
    void setUp() throws IOException {
        copr = new CoprStandIn(LOGIN, TOKEN, "alice");
    }

    @AfterEach
    void tearDown() {
        copr.close();
    }

    Answer send(String method, String path, String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(copr.url() + "/api_3/" + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((LOGIN + ":" + token)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode j = r.body().isEmpty() ? null : CoprStandIn.JSON.readTree(r.body());
        return new Answer(r.statusCode(), j, r.body());
    }

    Answer send(String method, String path, String json) throws Exception {
        return send(method, path, json, TOKEN);
    }

    Answer get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    long build(String json) throws Exception {
        Answer a = send("POST", "build/create/scm", json);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.json().path("id").asLong();
    }

    static String scm(String pkg, String extra) {
        return "{\"ownername\": \"alice\", \"projectname\": \"krun\", \"chroots\": [\"fedora-rawhide-x86_64\"],"
                + " \"clone_url\": \"https://github.com/example/krunpack.git\", \"spec\": \"rpm/" + pkg + ".spec\","
                + " \"source_build_method\": \"make_srpm\"" + extra + "}";
    }

    void project() {
        copr.project("alice", "krun", List.of("fedora-rawhide-x86_64", "fedora-rawhide-aarch64"), false, "d", "i");
    }

    /** Polls GET build/<id> until it finished; returns the states seen, in order, without repeats. */
    List<String> follow(long id) throws Exception {
        List<String> states = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Answer a = get("build/" + id);
            String st = a.json().path("state").asText();
            if (states.isEmpty() || !states.get(states.size() - 1).equals(st)) {
                states.add(st);
            }
            if (List.of("succeeded", "failed", "canceled").contains(st)) {
                return states;
            }
        }
        return states;
    }

    @Test
    void aBadTokenGets401WithNotok() throws Exception {
        Answer a = send("POST", "project/add/alice", "{\"name\": \"krun\", \"chroots\": [\"fedora-rawhide-x86_64\"]}",
                "tok-wrong");
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().path("output").asText()).isEqualTo("notok");
        assertThat(a.json().path("error").asText()).startsWith("Login invalid/expired. Please visit ")
                .endsWith("/api to get or renew your API token.");
        assertThat(send("GET", "auth-check", null, null).status()).isEqualTo(401);
        assertThat(send("GET", "auth-check", null).json().path("name").asText()).isEqualTo("alice");
    }

    @Test
    void unknownAndEndOfLifeChrootsAreRefusedWith400() throws Exception {
        Answer eol = send("POST", "project/add/alice", "{\"name\": \"krun\", \"chroots\": [\"fedora-41-x86_64\"]}");
        assertThat(eol.status()).isEqualTo(400);
        assertThat(eol.json().path("error").asText()).isEqualTo("chroots: 'fedora-41-x86_64' is not a valid choice"
                + " for this field.");
        Answer none = send("POST", "project/add/alice", "{\"name\": \"krun\", \"chroots\": []}");
        assertThat(none.json().path("error").asText()).isEqualTo("None: At least one chroot must be selected");
        project();
        Answer edit = send("PUT", "project/edit/alice/krun", "{\"chroots\": [\"fedora-rawhide-x86_64\","
                + " \"fedora-rawhide-sparc\"]}");
        assertThat(edit.status()).isEqualTo(400);
        assertThat(edit.json().path("error").asText()).contains("'fedora-rawhide-sparc' is not a valid choice");
        Answer b = send("POST", "build/create/scm", scm("crun", "").replace("fedora-rawhide-x86_64", "fedora-44-x86_64"));
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.json().path("error").asText()).isEqualTo("Bad request parameters: {'chroots': [\"'fedora-44-x86_64'"
                + " is not a valid choice for this field.\"]}");
        assertThat(get("mock-chroots/list").json().has("fedora-41-x86_64")).isFalse();
    }

    @Test
    void droppingAChrootWithUnfinishedBuildsIs409() throws Exception {
        project();
        long id = build(scm("libkrunfw", ""));
        Answer a = send("PUT", "project/edit/alice/krun", "{\"chroots\": [\"fedora-rawhide-aarch64\"]}");
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json().path("error").asText()).isEqualTo("Can't drop chroot from project, related build " + id
                + " is still in progress");
        assertThat(copr.projects.get("alice/krun").chroots).contains("fedora-rawhide-x86_64");
        follow(id);
        assertThat(send("PUT", "project/edit/alice/krun", "{\"chroots\": [\"fedora-rawhide-aarch64\"]}").status())
                .isEqualTo(200);
    }

    @Test
    void batchesRefuseAFinishedBuildAndBothOptions() throws Exception {
        project();
        long done = build(scm("libkrunfw", ""));
        assertThat(follow(done)).last().isEqualTo("succeeded");
        Answer after = send("POST", "build/create/scm", scm("libkrun", ", \"after_build_id\": " + done));
        assertThat(after.status()).isEqualTo(400);
        assertThat(after.json().path("error").asText()).isEqualTo("Bad request parameters: {'after_build_id': ['Build "
                + done + " is not yet in any batch, and new batch can not be created because the build has already"
                + " finished']}");
        long a = build(scm("libkrun", ""));
        long b = build(scm("crun", ", \"with_build_id\": " + a));
        follow(a);
        follow(b);
        Answer late = send("POST", "build/create/scm", scm("crun", ", \"with_build_id\": " + a));
        assertThat(late.json().path("error").asText()).contains("'with_build_id': ['Batch ", "is already finished']");
        Answer both = send("POST", "build/create/scm", scm("crun", ", \"with_build_id\": " + a
                + ", \"after_build_id\": " + a));
        assertThat(both.json().path("error").asText()).contains("Only one batch option can be specified");
    }

    @Test
    void aBuildAfterAnUnfinishedOneWaitsEvenWhenAskedAbout() throws Exception {
        project();
        long first = build(scm("libkrunfw", ""));
        long second = build(scm("libkrun", ", \"after_build_id\": " + first));
        for (int i = 0; i < 3; i++) {
            assertThat(get("build/" + second).json().path("state").asText()).isEqualTo("pending");
        }
        copr.finalStates.put("libkrunfw/fedora-rawhide-x86_64", "failed");
        assertThat(follow(first)).last().isEqualTo("failed");
        // the batch finished (failed, not succeeded): COPR releases the next one all the same
        assertThat(follow(second)).last().isEqualTo("succeeded");
    }

    @Test
    void statesFlowAsInCopr() throws Exception {
        project();
        Answer created = send("POST", "build/create/scm", scm("libkrunfw", ""));
        assertThat(created.json().path("state").asText()).isEqualTo("pending");
        long id = created.json().path("id").asLong();
        JsonNode chroots = get("build-chroot/list?build_id=" + id).json();
        assertThat(chroots.path("items").get(0).path("state").asText()).isEqualTo("waiting");
        // SRPM build, import, then the chroots
        assertThat(follow(id)).containsExactly("starting", "running", "importing", "pending", "starting", "running",
                "succeeded");
        JsonNode chroot = get("build-chroot/list?build_id=" + id).json().path("items").get(0);
        assertThat(chroot.path("result_url").asText()).contains("/results/alice/krun/fedora-rawhide-x86_64/");
    }

    @Test
    void anUnknownBuildHasNoChrootsButNo404() throws Exception {
        Answer a = get("build-chroot/list?build_id=424242");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("items")).isEmpty();
        assertThat(get("build/424242").status()).isEqualTo(404);
    }

    @Test
    void enableNetDefaultsToFalseAndBranchingToTrue() throws Exception {
        Answer a = send("POST", "project/add/alice", "{\"name\": \"krun\", \"chroots\": [\"fedora-rawhide-x86_64\"]}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("enable_net").asBoolean(true)).isFalse();
        assertThat(a.json().path("follow_fedora_branching").asBoolean(false)).isTrue();
        copr.branchFedora(45);
        assertThat(get("project?ownername=alice&projectname=krun").json().path("chroot_repos").has("fedora-45-x86_64"))
                .isTrue();
    }

    @Test
    void scmBuildsAreValidated() throws Exception {
        project();
        Answer url = send("POST", "build/create/scm", scm("crun", "").replace("https://github.com/example/krunpack.git",
                "not a url"));
        assertThat(url.json().path("error").asText()).isEqualTo("Bad request parameters: {'clone_url': ['Invalid URL.']}");
        Answer spec = send("POST", "build/create/scm", scm("crun", "").replace("crun.spec", "crun.txt"));
        assertThat(spec.json().path("error").asText()).contains("'spec': ['RPM spec file must end with .spec']");
        for (String t : List.of("-1", "108001")) {
            Answer a = send("POST", "build/create/scm", scm("crun", ", \"timeout\": " + t));
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.json().path("error").asText()).isEqualTo("Bad request parameters: {'timeout': ['Number must be"
                    + " between 0 and 108000.']}");
        }
        assertThat(send("POST", "build/create/scm", scm("crun", ", \"timeout\": 108000")).status()).isEqualTo(200);
        Answer method = send("POST", "build/create/scm", scm("crun", "").replace("make_srpm", "make"));
        assertThat(method.json().path("error").asText()).contains("'srpm_build_method': ['Not a valid choice.']");
    }

    @Test
    void existOkReturnsTheProjectAndEditTakesPut() throws Exception {
        project();
        String add = "{\"name\": \"krun\", \"chroots\": [\"fedora-rawhide-x86_64\"], \"description\": \"other\"}";
        assertThat(send("POST", "project/add/alice", add).json().path("error").asText())
                .isEqualTo("name: You already have a project named 'krun'.");
        Answer ok = send("POST", "project/add/alice?exist_ok=True", add);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("description").asText()).isEqualTo("d");
        Answer put = send("PUT", "project/edit/alice/krun", "{\"description\": \"new\"}");
        assertThat(put.json().path("description").asText()).isEqualTo("new");
        assertThat(put.json().path("instructions").asText()).isEqualTo("i");
    }

    @Test
    void aFailedSrpmBuildFailsEveryChrootAndKeepsItsLog() throws Exception {
        project();
        long id = build(scm("libkrun", ""));
        assertThat(get("build/source-chroot/" + id).status()).as("no result folder yet: COPR fails").isEqualTo(500);
        copr.srpmFails.add("libkrun");
        assertThat(follow(id)).containsExactly("starting", "running", "failed");
        JsonNode chroot = get("build-chroot/list?build_id=" + id).json().path("items").get(0);
        assertThat(chroot.path("state").asText()).isEqualTo("failed");
        assertThat(chroot.path("result_url").isNull()).isTrue();
        JsonNode src = get("build/source-chroot/" + id).json();
        assertThat(src.path("state").asText()).isEqualTo("failed");
        assertThat(src.path("result_url").asText()).endsWith("/srpm-builds/" + String.format("%08d", id));
    }

    @Test
    void aFinishedBuildCannotBeCanceled() throws Exception {
        project();
        long id = build(scm("crun", ""));
        follow(id);
        Answer a = send("PUT", "build/cancel/" + id, null);
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json().path("error").asText()).isEqualTo("Cannot cancel build " + id);
    }

    @Test
    void checkBeforeBuildAnswersWithoutCreatingAnything() throws Exception {
        project();
        Answer a = send("POST", "build/check-before-build", "{\"ownername\": \"alice\", \"projectname\": \"krun\","
                + " \"chroots\": [\"fedora-rawhide-x86_64\"], \"timeout\": 36000}");
        assertThat(a.json().path("message").asText()).isEqualTo("It should be safe to submit a build like this");
        Answer bad = send("POST", "build/check-before-build", "{\"ownername\": \"alice\", \"projectname\": \"krun\","
                + " \"timeout\": 200000}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(copr.builds).isEmpty();
    }

    @Test
    void aBuildWhoseChrootsReachedEndOfLifeIsUnknown() throws Exception {
        project();
        long id = build(scm("crun", ""));
        for (int i = 0; i < 5; i++) {
            get("build/" + id);
        }
        copr.endOfLife("fedora-rawhide-x86_64");
        assertThat(get("build/" + id).json().path("state").asText()).isEqualTo("unknown");
    }
}
