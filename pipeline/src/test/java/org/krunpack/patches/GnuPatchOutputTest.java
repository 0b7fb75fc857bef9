package org.krunpack.patches;

import org.junit.jupiter.api.Test;
import org.krunpack.patches.PatchReport.PatchResult;
import org.krunpack.patches.PatchReport.Status;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GNU patch's messages, as captured from patch 2.7.6 with LC_ALL=C, mapped to our parse. */
class GnuPatchOutputTest {
    private static final String ONE = """
            diff --git a/new.txt b/new.txt
            new file mode 100644
            --- /dev/null
            +++ b/new.txt
            @@ -0,0 +1 @@
            +n
            diff --git a/gone.txt b/gone.txt
            deleted file mode 100644
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -g
            diff --git a/m.txt b/m.txt
            --- a/m.txt
            +++ b/m.txt
            @@ -1,3 +1,3 @@
             a
            -b
            +B
             c
            @@ -10,3 +10,3 @@
             j
            -k
            +K
             l
            """;
    private static final String TWO = """
            --- a/missing.c
            +++ b/missing.c
            @@ -1 +1 @@
            -x
            +y
            --- a/m.txt
            +++ b/m.txt
            @@ -20,3 +20,3 @@
             t
            -u
            +U
             v
            """;

    private static List<PatchResult> interpret(String output, int exit) {
        Patch one = PatchParser.parse(Path.of("0001-one.patch"), Patch.Origin.RELEASE, ONE);
        Patch two = PatchParser.parse(Path.of("0002-two.patch"), Patch.Origin.RELEASE, TWO);
        int twoStarts = (int) ONE.lines().count() + 1;
        return GnuPatchOutput.interpret(List.of(one, two), List.of(1, twoStarts), exit, output);
    }

    @Test
    void mapsEveryMessageToItsPatchFileAndHunk() {
        List<PatchResult> r = interpret("""
                The next patch would create the file new.txt,
                which already exists!  Skipping patch.
                1 out of 1 hunk ignored
                patching file gone.txt
                Not deleting file gone.txt as content differs from patch
                patching file m.txt
                Hunk #1 succeeded at 3 with fuzz 1 (offset 2 lines).
                Hunk #2 FAILED at 10 (different line endings).
                1 out of 2 hunks FAILED -- saving rejects to file m.txt.rej
                can't find file to patch at input line 27
                Perhaps you used the wrong -p or --strip option?
                The text leading up to this was:
                --------------------------
                |--- a/missing.c
                |+++ b/missing.c
                --------------------------
                No file to patch.  Skipping patch.
                1 out of 1 hunk ignored
                patching file m.txt
                Hunk #1 succeeded at 21 (offset 1 line).
                """, 1);

        PatchResult one = r.get(0);
        assertThat(one.status()).isEqualTo(Status.FAILED);
        assertThat(one.files().get(0).message()).isEqualTo("would create the file, but it already exists");
        assertThat(one.files().get(1).message()).isEqualTo("not deleted: its content differs from the patch");
        var m = one.files().get(2).hunks();
        assertThat(m.get(0).status()).isEqualTo(Status.FUZZ);
        assertThat(m.get(0).fuzz()).isEqualTo(1);
        assertThat(m.get(0).offset()).isEqualTo(2);
        assertThat(m.get(1).status()).isEqualTo(Status.FAILED);
        assertThat(m.get(1).message()).isEqualTo("different line endings");
        assertThat(one.firstFailure()).hasValue("new.txt: would create the file, but it already exists");

        PatchResult two = r.get(1);
        assertThat(two.files().get(0).message()).isEqualTo("file to patch not found in the tree");
        assertThat(two.files().get(0).hunks()).singleElement().extracting(PatchReport.HunkResult::status)
                .isEqualTo(Status.FAILED);
        assertThat(two.files().get(1).status()).isEqualTo(Status.OFFSET);
        assertThat(two.files().get(1).hunks().get(0).offset()).isEqualTo(1);
    }

    @Test
    void silenceMeansCleanAndAFatalErrorFailsTheRest() {
        List<PatchResult> clean = interpret("""
                patching file new.txt
                patching file gone.txt
                patching file m.txt
                patching file missing.c
                patching file m.txt
                """, 0);
        assertThat(clean).extracting(PatchResult::status).containsExactly(Status.CLEAN, Status.CLEAN);
        assertThat(clean.get(0).files().get(2).hunks().get(1).appliedLine()).isEqualTo(10);

        List<PatchResult> fatal = interpret("""
                patching file new.txt
                patching file gone.txt
                patching file m.txt
                patch: **** malformed patch at line 30: +y
                """, 2);
        assertThat(fatal.get(0).status()).isEqualTo(Status.CLEAN);
        assertThat(fatal.get(1).status()).isEqualTo(Status.FAILED);
        assertThat(fatal.get(1).files().get(0).message()).startsWith("not reached");
    }
}
