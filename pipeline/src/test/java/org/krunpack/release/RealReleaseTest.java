package org.krunpack.release;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.krunpack.core.Digests;
import org.krunpack.testing.CliRun;
import org.krunpack.testing.RealFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real libkrunfw releases (5.4.0 and 5.5.0, from ../shared/fixtures) on Debian's 6.12.117
 * tree: the rebase workflow a maintainer lives in. One workspace for every test (the tree is
 * extracted once, then reused whatever the series), no kernel build: patches, config and git only.
 */
@Tag("tools")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealReleaseTest {
    static final Path WORK = Path.of("target/real-release").toAbsolutePath();
    static final Path OUT = WORK.resolve("out");
    static final Path KC = RealFixtures.repoRoot().resolve("kernel-config");

    @BeforeAll
    static void clean() throws IOException {
        Files.createDirectories(WORK);
        // keep the extracted tree between runs of this class (it is reused by digest), drop the rest
        for (String d : List.of("patches", "config", "release", ".krunpack/steps")) {
            org.krunpack.core.AtomicFiles.deleteTree(OUT.resolve(d));
        }
    }

    /** patches.release with the maintainer's refreshed 0008 (a YAML body indented by two). */
    static final String REPLACE_0008 = String.join("\n",
            "  release:",
            "    - patch: 0008-virtio-vsock-support-dgrams.patch",
            "      replace: " + RealFixtures.refreshed0008(),
            "      sha512: " + RealFixtures.REFRESHED_0008_SHA512,
            "      reason: refreshed for 6.12.117 (new virtio_transport_alloc_skb argument)");

    /** config: the small CI layers plus the release layer. */
    static final String CI_LAYERS = String.join("\n",
            "  fragments:",
            "    - " + KC + "/ci/10-ci-base.config",
            "    - " + KC + "/30-x86_64.config",
            "    - " + KC + "/40-libkrunfw-patches.config");

    /** A project for a release on Debian's 6.12.117; {@code patches} and {@code config} are YAML bodies. */
    static Path project(String name, String release, String kernelVersion, String patches, String config)
            throws IOException {
        Path f = WORK.resolve(name + ".yaml");
        Files.writeString(f, """
                libkrunfw: {version: "%s", abi: 5}
                kernel: {version: "%s"}
                sourceDateEpoch: 1735689600
                sources:
                  kernel: {path: %s, sha512: %s}
                  release: {path: %s, sha512: %s}
                patches:
                  fromRelease: true
                %s
                config:
                %s
                """.formatted(release, kernelVersion, RealFixtures.debianKernel(), RealFixtures.DEBIAN_KERNEL_SHA512,
                RealFixtures.libkrunfw(release), release.equals("5.4.0") ? RealFixtures.LIBKRUNFW_540_SHA512
                        : RealFixtures.LIBKRUNFW_550_SHA512, patches, config));
        return f;
    }

    static CliRun.Run krunpack(Path project, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("-c", project.toString(), "--out", OUT.toString(), "--format", "json"));
        return CliRun.run(a.toArray(String[]::new));
    }

    static JsonNode step(JsonNode doc, String name) {
        for (JsonNode s : doc.get("steps")) {
            if (s.get("step").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + doc);
    }

    static List<String> statuses(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.get("steps").forEach(s -> out.add(s.get("step").asText() + "=" + s.get("status").asText()));
        return out;
    }

    @Test
    @Order(1)
    void versionFactsAreCheckedBeforeAnythingIsExtracted() throws IOException {
        Path p = project("wrong-kernel", "5.5.0", "6.12.91", "", CI_LAYERS);
        CliRun.Run r = krunpack(p, "config");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        JsonNode doc = r.json();
        assertThat(step(doc, "release").get("status").asText()).isEqualTo("failed");
        assertThat(doc.get("error").asText()).contains("kernel.version: says 6.12.91 but the kernel tarball",
                "is 6.12.117");
        assertThat(step(doc, "tree").get("status").asText()).isEqualTo("not-run");
    }

    @Test
    @Order(2)
    void theReleaseWithTheRefreshed0008AppliesAtFuzzZeroAsARebase() throws IOException {
        Path p = project("5.5.0-refreshed", "5.5.0", "6.12.117", REPLACE_0008, CI_LAYERS);
        CliRun.Run r = krunpack(p, "patches", "check");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode doc = r.json();
        JsonNode release = step(doc, "release").get("details");
        assertThat(release.get("rebase").get("from").asText()).isEqualTo("6.12.91");
        assertThat(release.get("rebase").get("to").asText()).isEqualTo("6.12.117");
        JsonNode patches = step(doc, "patches-check").get("details").get("patches");
        assertThat(patches).hasSize(30);
        patches.forEach(x -> assertThat(x.get("status").asText()).isIn("clean", "offset"));
        JsonNode p8 = patches.get(7);
        assertThat(p8.get("name").asText()).isEqualTo("0008-virtio-vsock-support-dgrams.patch");
        assertThat(p8.get("decision").get("action").asText()).isEqualTo("replace");
        assertThat(p8.get("decision").get("reason").asText()).contains("6.12.117");
    }

    @Test
    @Order(3)
    void withoutTheReplacement0008FailsNamingFileAndHunkAndTheTreeStaysPristine() throws IOException {
        Path p = project("5.5.0-as-released", "5.5.0", "6.12.117", "", CI_LAYERS);
        CliRun.Run r = krunpack(p, "config");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode doc = r.json();
        JsonNode patches = step(doc, "patches");
        assertThat(patches.get("status").asText()).isEqualTo("failed");
        assertThat(patches.get("details").get("failure").asText())
                .contains("0008-virtio-vsock-support-dgrams.patch", "net/vmw_vsock/virtio_transport_common.c",
                        "FAILED");
        assertThat(Files.readString(OUT.resolve("patches/rejects/0008-virtio-vsock-support-dgrams.patch.rej")))
                .contains("@@");
        Path tree = Path.of(step(doc, "tree").get("details").get("tree").asText());
        assertThat(org.krunpack.sources.TreeState.read(tree).isPristine()).isTrue();
        assertThat(step(doc, "config").get("status").asText()).isEqualTo("not-run");

        // the retry reuses the extracted tree: only the patch check runs again
        CliRun.Run again = krunpack(p, "config");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(statuses(again.json())).containsExactly("sources=cached", "release=cached", "tree=cached",
                "patches=failed", "config=not-run");
    }

    @Test
    @Order(4)
    void release540OnANewerKernelNamesTheFailingPatchEveryFailingHunkAndKeepsTheRejects() throws IOException {
        Path p = project("5.4.0", "5.4.0", "6.12.117", "", CI_LAYERS);
        CliRun.Run r = krunpack(p, "patches", "check");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode doc = r.json();
        JsonNode release = step(doc, "release").get("details");
        assertThat(release.get("rebase").get("from").asText()).isEqualTo("6.12.87");
        JsonNode details = step(doc, "patches-check").get("details");
        List<String> failedHunks = new ArrayList<>();
        for (JsonNode patch : details.get("patches")) {
            for (JsonNode file : patch.get("files")) {
                for (JsonNode h : file.get("hunks")) {
                    if (h.get("status").asText().equals("failed")) {
                        failedHunks.add(patch.get("name").asText() + " " + file.get("path").asText() + " #"
                                + h.get("hunk").asInt());
                    }
                }
            }
        }
        assertThat(failedHunks).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(h -> assertThat(h).startsWith("0008-"));
        assertThat(OUT.resolve("patches/rejects/0008-virtio-vsock-support-dgrams.patch.rej")).isRegularFile();
    }

    @Test
    @Order(5)
    void aGitExportAndImportOfAnUnchangedSeriesGivesPatchesThatApplyIdentically() throws IOException {
        Path p = project("5.5.0-refreshed", "5.5.0", "6.12.117", REPLACE_0008, CI_LAYERS);
        CliRun.Run ex = krunpack(p, "patches", "export");
        assertThat(ex.exit()).as(ex.out() + ex.err()).isZero();
        JsonNode exported = step(ex.json(), "patches-export").get("details");
        assertThat(exported.get("stoppedAt").isNull()).isTrue();
        assertThat(exported.get("applied")).hasSize(30);

        Path refreshed = WORK.resolve("refreshed");
        CliRun.Run im = krunpack(p, "patches", "import", "--to", refreshed.toString());
        assertThat(im.exit()).as(im.out() + im.err()).isZero();
        JsonNode imported = step(im.json(), "patches-import").get("details");
        assertThat(imported.get("patches")).hasSize(30);
        imported.get("patches").forEach(x -> assertThat(x.get("changed").asBoolean()).as(x.toString()).isFalse());
        assertThat(imported.get("dropped")).isEmpty();

        // the imported files, applied instead of the originals, give the same tree
        CliRun.Run original = krunpack(p, "patches", "apply");
        assertThat(original.exit()).isZero();
        Path tree = Path.of(step(original.json(), "tree").get("details").get("tree").asText());
        List<String> written = new ArrayList<>();
        step(original.json(), "patches").get("details").get("written").forEach(w -> written.add(w.asText()));
        List<String> before = digests(tree, written);
        StringBuilder decisions = new StringBuilder("  release:\n");
        try (Stream<Path> s = Files.list(refreshed)) {
            for (Path f : s.sorted().toList()) {
                decisions.append("    - {patch: ").append(f.getFileName()).append(", replace: ").append(f)
                        .append(", reason: round trip}\n");
            }
        }
        Path roundTrip = project("5.5.0-round-trip", "5.5.0", "6.12.117", decisions.toString(), CI_LAYERS);
        CliRun.Run again = krunpack(roundTrip, "patches", "apply");
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(digests(tree, written)).isEqualTo(before);
    }

    @Test
    @Order(6)
    void theReleasesOwnConfigHasNoErrorsOnlyToolchainAndNewSymbolDifferencesAndAcceptShowsTheDiff()
            throws IOException {
        Path p = project("5.5.0-release-config", "5.5.0", "6.12.117", REPLACE_0008, "  fromRelease: true\n");
        CliRun.Run r = krunpack(p, "config");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode config = step(r.json(), "config").get("details");
        assertThat(config.get("errors")).isEmpty();
        assertThat(config.get("toolchainDifferences").toString()).contains("CC_VERSION_TEXT");
        assertThat(Files.readString(OUT.resolve("config/report.txt")))
                .contains("Toolchain differences (probed from another compiler; not errors)");

        Path accepted = WORK.resolve("accepted.config");
        Files.copy(OUT.resolve("release/libkrunfw/config-libkrunfw_x86_64"), accepted,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliRun.Run acc = krunpack(p, "config", "--accept-to", accepted.toString());
        assertThat(acc.exit()).as(acc.out() + acc.err()).isZero();
        JsonNode a = step(acc.json(), "config").get("details").get("accepted");
        assertThat(a.get("target").asText()).isEqualTo(accepted.toString());
        assertThat(a.get("changed").toString()).contains("CONFIG_CC_VERSION_TEXT");
        assertThat(a.get("diff").asText()).contains("-CONFIG_CC_VERSION_TEXT=", "+CONFIG_CC_VERSION_TEXT=");
        assertThat(Digests.sha512(accepted)).isEqualTo(Digests.sha512(OUT.resolve("config/config")));
    }

    @Test
    @Order(7)
    void badDecisionsAreUsageErrorsAllAtOnceNamingTheField() throws IOException {
        Path p = project("bad-decisions", "5.5.0", "6.12.117", String.join("\n",
                "  release:",
                "    - {patch: 0008-virtio-vsock-support-dgrams.patch, replace: /nonexistent/0008.patch, reason: x}",
                "    - {patch: 0099-no-such-patch.patch, exclude: true, reason: y}",
                "    - {patch: 0011-Transparent-Socket-Impersonation-implementation.patch, fuzz: 2}"), CI_LAYERS);
        CliRun.Run r = krunpack(p, "patches", "check");
        assertThat(r.exit()).isEqualTo(2);
        JsonNode doc = r.json();
        assertThat(doc.get("problems").toString()).contains(
                "patches.release[0].replace: /nonexistent/0008.patch does not exist",
                "patches.release[2].reason: required");
        // the project file's problems come first; a decision for a patch the release lacks is found
        // once the release is open
        Path p2 = project("bad-decisions-2", "5.5.0", "6.12.117", String.join("\n",
                "  release:",
                "    - {patch: 0099-no-such-patch.patch, exclude: true, reason: y}",
                "    - {patch: 0080-virtio-vsock-support-dgrams.patch, exclude: true, reason: z}"), CI_LAYERS);
        CliRun.Run r2 = krunpack(p2, "patches", "check");
        assertThat(r2.exit()).isEqualTo(2);
        assertThat(r2.json().get("problems").toString()).contains(
                "patches.release[0].patch: the release has no patch 0099-no-such-patch.patch",
                "patches.release[1].patch: the release has no patch 0080-virtio-vsock-support-dgrams.patch");
    }

    private static List<String> digests(Path tree, List<String> files) {
        List<String> out = new ArrayList<>();
        for (String f : files) {
            Path p = tree.resolve(f);
            out.add(f + " " + (Files.isRegularFile(p) ? Digests.sha512(p) : "absent"));
        }
        return out;
    }
}
