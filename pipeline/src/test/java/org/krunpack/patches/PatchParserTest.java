package org.krunpack.patches;

import org.junit.jupiter.api.Test;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchParserTest {
    private static final Path FILE = Path.of("patches/0007-x.patch");

    @Test
    void readsFormatPatchHeadersAndAFoldedSubject() {
        Patch p = parse("""
                From 0123456789abcdef Mon Sep 17 00:00:00 2001
                From: Ada Dev <ada@example.org>
                Date: Tue, 1 Oct 2024 10:00:00 +0200
                Subject: [PATCH v2 07/30] vsock: add datagram support to the
                 virtio transport

                Body text.
                Upstream-Status: Submitted [netdev, 2024-10-01]
                Signed-off-by: Ada Dev <ada@example.org>
                ---
                 net/vmw_vsock/af_vsock.c | 2 +-
                 1 file changed, 1 insertion(+), 1 deletion(-)

                diff --git a/net/vmw_vsock/af_vsock.c b/net/vmw_vsock/af_vsock.c
                index 1111111..2222222 100644
                --- a/net/vmw_vsock/af_vsock.c
                +++ b/net/vmw_vsock/af_vsock.c
                @@ -10,3 +10,3 @@ static int vsock_bind(struct socket *sock)
                 a
                -b
                +c
                 d
                --\s
                2.47.0
                """);
        assertThat(p.name()).isEqualTo("0007-x.patch");
        assertThat(p.from()).isEqualTo("Ada Dev <ada@example.org>");
        assertThat(p.subject()).isEqualTo("vsock: add datagram support to the virtio transport");
        assertThat(p.upstreamStatus()).isEqualTo("Submitted [netdev, 2024-10-01]");
        assertThat(p.files()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FilePatch.Kind.MODIFY);
            assertThat(f.oldPath()).isEqualTo("net/vmw_vsock/af_vsock.c");
            assertThat(f.hunks()).singleElement().satisfies(h -> {
                assertThat(h.section()).isEqualTo("static int vsock_bind(struct socket *sock)");
                assertThat(h.lines()).containsExactly(" a", "-b", "+c", " d");
                assertThat(h.line()).isEqualTo(18);
            });
        });
    }

    @Test
    void readsPlainDiffsWithTimestampsEmptyContextLinesAndNoNewlineMarkers() {
        Patch p = parse("""
                Index: linux/init/main.c
                ===================================================================
                --- linux-6.12.orig/init/main.c\t2024-11-17 15:00:00.000000000 +0100
                +++ linux-6.12/init/main.c\t2024-11-18 09:00:00.000000000 +0100
                @@ -1,4 +1,4 @@
                 one

                -three
                +THREE
                 four
                @@ -9 +9 @@
                -last
                \\ No newline at end of file
                +LAST
                \\ No newline at end of file
                """);
        FilePatch f = p.files().get(0);
        assertThat(f.path()).isEqualTo("init/main.c");
        assertThat(p.subject()).isNull();
        assertThat(p.upstreamStatus()).isNull();
        assertThat(f.hunks()).hasSize(2);
        assertThat(f.hunks().get(0).lines()).containsExactly(" one", " ", "-three", "+THREE", " four");
        assertThat(f.hunks().get(1).oldCount()).isEqualTo(1);
        assertThat(f.hunks().get(1).lines()).hasSize(4).last().asString().startsWith("\\");
    }

    @Test
    void readsGitCreationsDeletionsModesRenamesAndCopies() {
        Patch p = parse("""
                diff --git a/tools/x.sh b/tools/x.sh
                new file mode 100755
                index 0000000..e69de29
                --- /dev/null
                +++ b/tools/x.sh
                @@ -0,0 +1 @@
                +echo x
                diff --git a/old.txt b/old.txt
                deleted file mode 100644
                --- a/old.txt
                +++ /dev/null
                @@ -1 +0,0 @@
                -old
                diff --git a/s.sh b/s.sh
                old mode 100644
                new mode 100755
                diff --git a/a/b.c b/c/d.c
                similarity index 100%
                rename from a/b.c
                rename to c/d.c
                diff --git a/e.c b/f.c
                similarity index 90%
                copy from e.c
                copy to f.c
                --- a/e.c
                +++ b/f.c
                @@ -1 +1 @@
                -e
                +f
                """);
        assertThat(p.files()).extracting(FilePatch::kind).containsExactly(FilePatch.Kind.CREATE,
                FilePatch.Kind.DELETE, FilePatch.Kind.MODIFY, FilePatch.Kind.RENAME, FilePatch.Kind.COPY);
        assertThat(p.files().get(0).oldPath()).isNull();
        assertThat(p.files().get(0).newMode()).isEqualTo("100755");
        assertThat(p.files().get(1).newPath()).isNull();
        assertThat(p.files().get(2).newMode()).isEqualTo("100755");
        assertThat(p.files().get(2).hunks()).isEmpty();
        assertThat(p.files().get(3).oldPath()).isEqualTo("a/b.c");
        assertThat(p.files().get(3).newPath()).isEqualTo("c/d.c");
        assertThat(p.files().get(4).oldPath()).isEqualTo("e.c");
        assertThat(p.files().get(4).newPath()).isEqualTo("f.c");
        assertThat(p.hunkCount()).isEqualTo(3);
    }

    @Test
    void crlfLineEndingsDoNotLeakIntoNames() {
        Patch p = parse("diff --git a/x.c b/x.c\r\n--- a/x.c\r\n+++ b/x.c\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n");
        assertThat(p.files()).singleElement().satisfies(f -> {
            assertThat(f.newPath()).isEqualTo("x.c");
            assertThat(f.hunks().get(0).lines()).containsExactly("-a", "+b");
        });
    }

    @Test
    void ourRealPatchParsesWithItsUpstreamStatus() throws IOException {
        Path ours = Path.of("../patches/0001-virtio-mmio-cmdline-help-lightweight-vmms.patch");
        Patch p = PatchParser.parse(ours, Patch.Origin.OURS, Files.readString(ours));
        assertThat(p.upstreamStatus()).isEqualTo("Inappropriate [krunpack-specific]");
        assertThat(UpstreamStatus.problem(p.upstreamStatus())).isEmpty();
        assertThat(p.subject()).startsWith("virtio: mmio:");
        assertThat(p.files()).extracting(FilePatch::path).containsExactly("drivers/virtio/Kconfig");
    }

    @Test
    void aTruncatedHunkNamesTheFileLineAndHunk() {
        assertThatThrownBy(() -> parse("""
                --- a/x.c
                +++ b/x.c
                @@ -1,3 +1,3 @@
                 a
                -b
                +c
                """)).isInstanceOfSatisfying(KrunpackException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.getMessage()).contains("0007-x.patch:3:", "x.c hunk #1", "ends early");
        });
    }

    @Test
    void aHunkWithAStrayLineIsRefused() {
        assertThatThrownBy(() -> parse("""
                --- a/x.c
                +++ b/x.c
                @@ -1,3 +1,3 @@
                 a
                -b
                *c
                 d
                """)).hasMessageContaining("0007-x.patch:6:").hasMessageContaining("does not match its line counts");
    }

    @Test
    void refusesWhatItCannotApplySafely() {
        assertThatThrownBy(() -> parse("diff --git a/f.bin b/f.bin\nindex 1..2\nGIT binary patch\nliteral 1\n"))
                .hasMessageContaining("binary patches are not supported");
        assertThatThrownBy(() -> parse("--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n"))
                .hasMessageContaining("leaves the tree");
        assertThatThrownBy(() -> parse("--- a/x.c\n+++ b/y.c\n@@ -1 +1 @@\n-a\n+b\n"))
                .hasMessageContaining("renames need a git-style diff");
        assertThatThrownBy(() -> parse("--- x.c\n+++ x.c\n@@ -1 +1 @@\n-a\n+b\n"))
                .hasMessageContaining("-p1");
        assertThatThrownBy(() -> parse("Subject: nothing here\n\njust words\n"))
                .hasMessageContaining("no unified diff found");
    }

    private static Patch parse(String text) {
        return PatchParser.parse(FILE, Patch.Origin.RELEASE, text);
    }
}
