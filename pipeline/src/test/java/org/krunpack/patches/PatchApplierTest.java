package org.krunpack.patches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.patches.PatchReport.FileResult;
import org.krunpack.patches.PatchReport.HunkResult;
import org.krunpack.patches.PatchReport.Status;
import org.krunpack.testing.Golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Applies small series with the real GNU patch to fixture trees written here. */
class PatchApplierTest {
    @TempDir
    Path tmp;
    Path tree;
    Path out;
    Path patchDir;
    final List<Path> ours = new ArrayList<>();

    @BeforeEach
    void fixture() throws IOException {
        tree = tmp.resolve("linux");
        out = tmp.resolve("out");
        patchDir = tmp.resolve("patches");
        Files.createDirectories(patchDir);
        write("src/a.c", numbered("line", 40));
        write("src/b.c", numbered("b", 20));
        write("doc/old.txt", "obsolete\n");
        write("scripts/run.sh", "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(tree.resolve("scripts/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // --- patches used below -------------------------------------------------------------------

    static final String CLEAN = """
            From: Dev <dev@example.org>
            Subject: [PATCH 1/3] a: shout line 5

            Upstream-Status: Pending
            ---
            diff --git a/src/a.c b/src/a.c
            --- a/src/a.c
            +++ b/src/a.c
            @@ -4,3 +4,3 @@
             line 4
            -line 5
            +LINE 5
             line 6
            """;

    /** Says line 17, the context is at line 20: offset +3. */
    static final String OFFSET = """
            Subject: [PATCH] a: shout line 21

            Upstream-Status: Pending
            ---
            --- a/src/a.c
            +++ b/src/a.c
            @@ -17,3 +17,3 @@ int f(void)
             line 20
            -line 21
            +LINE 21
             line 22
            """;

    /** The first context line differs from the tree: needs fuzz 1. */
    static final String FUZZ = """
            Subject: [PATCH] a: shout line 31

            Upstream-Status: Pending
            ---
            --- a/src/a.c
            +++ b/src/a.c
            @@ -29,5 +29,5 @@
             line 29 (changed upstream)
             line 30
            -line 31
            +LINE 31
             line 32
             line 33
            """;

    /** Hunk #1 applies, hunk #2 does not (line 12 reads differently). */
    static final String BAD_SECOND_HUNK = """
            Subject: [PATCH] b: two changes, the second against another tree

            Upstream-Status: Pending
            ---
            diff --git a/src/b.c b/src/b.c
            --- a/src/b.c
            +++ b/src/b.c
            @@ -2,3 +2,3 @@
             b 2
            -b 3
            +B 3
             b 4
            @@ -11,3 +11,3 @@
             b 11
            -b 12 in another tree
            +B 12
             b 13
            """;

    static final String CREATE_DELETE = """
            Subject: [PATCH] add a tool, drop an old document, touch run.sh

            Upstream-Status: Inappropriate [test fixture]
            ---
            diff --git a/tools/new/hello.sh b/tools/new/hello.sh
            new file mode 100755
            --- /dev/null
            +++ b/tools/new/hello.sh
            @@ -0,0 +1,2 @@
            +#!/bin/sh
            +echo hello
            diff --git a/doc/old.txt b/doc/old.txt
            deleted file mode 100644
            --- a/doc/old.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -obsolete
            diff --git a/scripts/run.sh b/scripts/run.sh
            --- a/scripts/run.sh
            +++ b/scripts/run.sh
            @@ -1,2 +1,3 @@
             #!/bin/sh
             echo run
            +echo done
            """;

    static final String MISSING_TARGET = """
            Subject: [PATCH] c: a file this tree does not have

            Upstream-Status: Pending
            ---
            diff --git a/src/c.c b/src/c.c
            --- a/src/c.c
            +++ b/src/c.c
            @@ -1,3 +1,3 @@
             c 1
            -c 2
            +C 2
             c 3
            """;

    // --- tests ----------------------------------------------------------------------------------

    @Test
    void cleanOffsetAndFuzzAreReportedPerHunk() throws IOException {
        PatchReport r = PatchApplier.apply(tree, series(CLEAN, OFFSET, FUZZ), 1, out);

        assertThat(r.ok()).isTrue();
        assertThat(r.applied()).isTrue();
        assertThat(r.patches()).extracting(PatchReport.PatchResult::status)
                .containsExactly(Status.CLEAN, Status.OFFSET, Status.FUZZ);
        HunkResult offset = hunk(r, 1, 0, 0);
        assertThat(offset.appliedLine()).isEqualTo(20);
        assertThat(offset.offset()).isEqualTo(3);
        HunkResult fuzz = hunk(r, 2, 0, 0);
        assertThat(fuzz.fuzz()).isEqualTo(1);
        assertThat(fuzz.offset()).isZero();
        assertThat(Files.readString(tree.resolve("src/a.c")))
                .contains("LINE 5\n", "LINE 21\n", "LINE 31\n").doesNotContain("line 5\n");
        assertThat(r.written()).containsExactly("src/a.c");
        assertThat(r.patches().get(0).subject()).isEqualTo("a: shout line 5");
        assertThat(Files.readString(out.resolve("patches/report.txt")))
                .contains("[offset] 0002-p.patch", "src/a.c hunk #1 (@@ -17,3 +17,3 @@ int f(void)): applied at line 20"
                        + " (offset +3)", "with fuzz 1");
        JsonNode json = new ObjectMapper().readTree(out.resolve("patches/report.json").toFile());
        assertThat(json.path("ok").asBoolean()).isTrue();
        assertThat(json.path("patches").get(1).path("files").get(0).path("hunks").get(0).path("offset").asInt())
                .isEqualTo(3);
        assertThat(json.path("patches").get(2).path("status").asText()).isEqualTo("fuzz");
        try (Stream<Path> s = Files.list(out.resolve("patches"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.txt", "report.json");
        }
    }

    @Test
    void fuzzZeroRefusesAHunkThatNeedsFuzzOneAndFuzzOneAcceptsIt() throws IOException {
        String before = TreeDigest.of(tree);
        PatchReport strict = PatchApplier.apply(tree, series(FUZZ), 0, out);
        assertThat(strict.ok()).isFalse();
        assertThat(hunk(strict, 0, 0, 0).status()).isEqualTo(Status.FAILED);
        assertThat(TreeDigest.of(tree)).isEqualTo(before);

        PatchReport lenient = PatchApplier.apply(tree, series(FUZZ), 1, out);
        assertThat(lenient.ok()).isTrue();
        assertThat(hunk(lenient, 0, 0, 0).status()).isEqualTo(Status.FUZZ);
        assertThat(TreeDigest.of(tree)).isNotEqualTo(before);
    }

    @Test
    void aFailingHunkInTheSecondPatchLeavesTheTreeByteIdenticalAndIsNamed() throws IOException {
        String before = TreeDigest.of(tree);

        PatchReport r = PatchApplier.apply(tree, series(CREATE_DELETE, BAD_SECOND_HUNK, CLEAN), 0, out);

        assertThat(TreeDigest.of(tree)).isEqualTo(before);
        assertThat(r.ok()).isFalse();
        assertThat(r.applied()).isFalse();
        assertThat(r.written()).isEmpty();
        assertThat(r.patches()).extracting(PatchReport.PatchResult::status)
                .containsExactly(Status.CLEAN, Status.FAILED, Status.CLEAN);
        FileResult b = r.patches().get(1).files().get(0);
        assertThat(b.hunks()).extracting(HunkResult::status).containsExactly(Status.CLEAN, Status.FAILED);
        assertThat(r.failureMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("0002-p.patch", "src/b.c hunk #2 (@@ -11,3 +11,3 @@) FAILED at line 11", "unchanged"));
        assertThatThrownBy(r::throwIfFailed).isInstanceOfSatisfying(KrunpackException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
            assertThat(e.getMessage()).contains("0002-p.patch", "hunk #2", "report.txt");
        });
        Golden.assertMatches("patches/failed-second-patch.txt",
                Files.readString(out.resolve("patches/report.txt")).replace(tree.toString(), "<tree>"));
        // the failed hunk is kept, in GNU patch's reject format, for the maintainer to refresh the patch
        Path rej = out.resolve("patches/rejects/0002-p.patch.rej");
        assertThat(r.rejects()).isEqualTo(out.resolve("patches/rejects"));
        assertThat(Files.readString(rej)).contains("--- src/b.c", "@@ -11,3 +11,3 @@");
        assertThat(out.resolve("patches/rejects/0001-p.patch.rej")).doesNotExist();
    }

    @Test
    void createsAndDeletesFilesKeepingModes() throws IOException {
        PatchReport r = PatchApplier.apply(tree, series(CREATE_DELETE), 0, out);

        assertThat(r.ok()).isTrue();
        Path hello = tree.resolve("tools/new/hello.sh");
        assertThat(hello).hasContent("#!/bin/sh\necho hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hello))).isEqualTo("rwxr-xr-x");
        assertThat(tree.resolve("doc/old.txt")).doesNotExist();
        assertThat(tree.resolve("doc")).as("emptied directory removed, like GNU patch").doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tree.resolve("scripts/run.sh"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(r.written()).containsExactly("scripts/run.sh", "tools/new/hello.sh");
        assertThat(r.deleted()).containsExactly("doc/old.txt");
        assertThat(r.patches().get(0).files()).extracting(FileResult::kind)
                .containsExactly(FilePatch.Kind.CREATE, FilePatch.Kind.DELETE, FilePatch.Kind.MODIFY);
        try (Stream<Path> s = Files.walk(tree)) {
            assertThat(s.map(Path::toString)).noneMatch(p -> p.endsWith(".krunpack-tmp") || p.endsWith(".rej")
                    || p.endsWith(".orig"));
        }
    }

    @Test
    void aPatchWhoseTargetIsMissingFailsNamingTheFile() throws IOException {
        String before = TreeDigest.of(tree);
        PatchReport r = PatchApplier.apply(tree, series(CLEAN, MISSING_TARGET), 0, out);

        assertThat(r.ok()).isFalse();
        FileResult c = r.patches().get(1).files().get(0);
        assertThat(c.path()).isEqualTo("src/c.c");
        assertThat(c.status()).isEqualTo(Status.FAILED);
        assertThat(c.message()).isEqualTo("file to patch not found in the tree");
        assertThat(r.failureMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("0002-p.patch", "src/c.c: file to patch not found"));
        assertThat(TreeDigest.of(tree)).isEqualTo(before);
    }

    @Test
    void aLaterPatchMayChangeAFileAnEarlierOneCreated() throws IOException {
        String second = """
                Subject: [PATCH] extend the new tool

                Upstream-Status: Pending
                ---
                --- a/tools/new/hello.sh
                +++ b/tools/new/hello.sh
                @@ -1,2 +1,3 @@
                 #!/bin/sh
                 echo hello
                +echo again
                """;
        PatchReport r = PatchApplier.apply(tree, series(CREATE_DELETE, second), 0, out);
        assertThat(r.ok()).isTrue();
        assertThat(tree.resolve("tools/new/hello.sh")).hasContent("#!/bin/sh\necho hello\necho again");
    }

    @Test
    void renamesMoveTheFile() throws IOException {
        String rename = """
                Subject: [PATCH] move b.c

                Upstream-Status: Pending
                ---
                diff --git a/src/b.c b/src/sub/bee.c
                similarity index 95%
                rename from src/b.c
                rename to src/sub/bee.c
                --- a/src/b.c
                +++ b/src/sub/bee.c
                @@ -1,2 +1,2 @@
                -b 1
                +bee 1
                 b 2
                """;
        PatchReport r = PatchApplier.apply(tree, series(rename), 0, out);
        assertThat(r.ok()).isTrue();
        assertThat(tree.resolve("src/b.c")).doesNotExist();
        assertThat(Files.readString(tree.resolve("src/sub/bee.c"))).startsWith("bee 1\nb 2\nb 3\n");
        assertThat(r.patches().get(0).files().get(0).kind()).isEqualTo(FilePatch.Kind.RENAME);
    }

    @Test
    void aPatchAlreadyInTheTreeIsAFailureNotASilentSkip() throws IOException {
        assertThat(PatchApplier.apply(tree, series(CLEAN), 0, out).ok()).isTrue();
        String before = TreeDigest.of(tree);
        PatchReport again = PatchApplier.apply(tree, series(CLEAN), 0, out);
        assertThat(again.ok()).isFalse();
        assertThat(again.patches().get(0).files().get(0).message()).isEqualTo("reversed or already applied");
        assertThat(TreeDigest.of(tree)).isEqualTo(before);
    }

    @Test
    void aPathThroughASymbolicLinkIsRefusedBeforeAnythingRuns() throws IOException {
        Files.createSymbolicLink(tree.resolve("link"), tree.resolve("src"));
        String viaLink = CLEAN.replace("src/a.c", "link/a.c");
        assertThatThrownBy(() -> PatchApplier.apply(tree, series(viaLink), 0, out))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).contains("link is a symbolic link");
                });
    }

    @Test
    void aFailureWhileWritingTheTreeRemovesWhatWasWrittenSoFar() throws IOException {
        write("tools", "a file where the next patch wants a directory\n");
        String createUnderFile = """
                Subject: [PATCH] a new tool

                Upstream-Status: Pending
                ---
                --- /dev/null
                +++ b/tools/new/hello.sh
                @@ -0,0 +1 @@
                +echo hello
                """;
        String before = TreeDigest.of(tree);
        // The check passes in the scratch copy (it holds only touched files); installing then
        // fails on the second file, after src/a.c was already written to a temporary file.
        assertThatThrownBy(() -> PatchApplier.apply(tree, series(CLEAN, createUnderFile), 0, out))
                .isInstanceOfSatisfying(KrunpackException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.EXTERNAL);
                    assertThat(e.getMessage()).contains("the tree is unchanged");
                });
        assertThat(TreeDigest.of(tree)).isEqualTo(before);
    }

    @Test
    void anEmptySeriesChangesNothingAndPasses() throws IOException {
        String before = TreeDigest.of(tree);
        PatchReport r = PatchApplier.apply(tree, series(), 0, out);
        assertThat(r.ok()).isTrue();
        assertThat(r.applied()).isFalse();
        assertThat(r.patches()).isEmpty();
        assertThat(TreeDigest.of(tree)).isEqualTo(before);
        assertThat(out.resolve("patches/report.txt")).content().contains("0 patches", "nothing installed");
    }

    @Test
    void aBadFuzzOrTreeIsAUsageError() {
        assertThatThrownBy(() -> PatchApplier.apply(tree, series(CLEAN), 4, out))
                .hasMessageContaining("patches.fuzz");
        assertThatThrownBy(() -> PatchApplier.apply(tmp.resolve("nope"), series(CLEAN), 0, out))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> PatchApplier.apply(tree, series(CLEAN), 0, tree.resolve("out")))
                .hasMessageContaining("inside the kernel tree");
    }

    // --- helpers --------------------------------------------------------------------------------

    /** Writes the patches as 0001-p.patch, 0002-p.patch, ... listed in our series file. */
    private PatchSeries series(String... patches) throws IOException {
        StringBuilder list = new StringBuilder("# test series\n");
        for (int i = 0; i < patches.length; i++) {
            String name = String.format("%04d-p.patch", i + 1);
            Files.writeString(patchDir.resolve(name), patches[i]);
            list.append(name).append('\n');
        }
        Path seriesFile = patchDir.resolve("series");
        Files.writeString(seriesFile, list);
        return PatchSeries.load(List.of(), seriesFile);
    }

    private static HunkResult hunk(PatchReport r, int patch, int file, int hunk) {
        return r.patches().get(patch).files().get(file).hunks().get(hunk);
    }

    private void write(String rel, String content) throws IOException {
        Path p = tree.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    static String numbered(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i + "\n").collect(Collectors.joining());
    }
}
