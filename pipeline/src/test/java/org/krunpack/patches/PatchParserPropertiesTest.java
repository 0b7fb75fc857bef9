package org.krunpack.patches;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.krunpack.core.KrunpackException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the patch parser over generated patches. */
class PatchParserPropertiesTest {
    private static final Path FILE = Path.of("gen.patch");

    @Property(tries = 150)
    void renderedPatchesParseBackToTheSameModel(@ForAll("patches") Patch p) {
        String text = PatchParser.render(p);
        Patch back = PatchParser.parse(FILE, Patch.Origin.OURS, text);
        assertThat(normalize(back)).isEqualTo(normalize(p));
        assertThat(PatchParser.render(back)).isEqualTo(text);
    }

    @Property(tries = 150)
    void hunkCountsMatchTheirBodiesAndTheHeaders(@ForAll("patches") Patch p) {
        String text = PatchParser.render(p);
        Patch back = PatchParser.parse(FILE, Patch.Origin.OURS, text);
        long headers = text.lines().filter(l -> l.startsWith("@@ -")).count();
        assertThat(back.hunkCount()).isEqualTo(p.hunkCount()).isEqualTo((int) headers);
        for (FilePatch f : back.files()) {
            for (Hunk h : f.hunks()) {
                long context = h.lines().stream().filter(l -> l.startsWith(" ")).count();
                assertThat(context + h.removed()).isEqualTo(h.oldCount());
                assertThat(context + h.added()).isEqualTo(h.newCount());
                assertThat(text.lines().skip(h.line() - 1).findFirst()).hasValue(h.header());
            }
        }
    }

    @Property(tries = 200)
    void damagedPatchesAreRefusedWithAMessageNeverACrash(@ForAll("patches") Patch p,
                                                          @ForAll("damage") Damage d) {
        List<String> lines = new ArrayList<>(PatchParser.render(p).lines().toList());
        int at = Math.floorMod(d.position(), lines.size());
        switch (d.kind()) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, d.text());
            default -> lines.set(at, d.text());
        }
        try {
            Patch back = PatchParser.parse(FILE, Patch.Origin.OURS, String.join("\n", lines) + "\n");
            assertThat(back.files()).isNotEmpty();
        } catch (KrunpackException e) {
            assertThat(e.getMessage()).startsWith("gen.patch");
        }
    }

    record Damage(int kind, int position, String text) {
    }

    @Provide
    Arbitrary<Damage> damage() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.of("", " x", "-x", "+x", "@@ -1,2 +1,2 @@", "@@ -1 +1", "--- a/q", "+++ b/q",
                        "diff --git a/q b/q", "\\ No newline at end of file", "new file mode 100644",
                        "rename from ../x", "--- /dev/null", "+++ /dev/null"),
                Arbitraries.strings().ofMaxLength(12));
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 10_000),
                text).as(Damage::new);
    }

    @Provide
    Arbitrary<Patch> patches() {
        Arbitrary<String> words = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> sentence = words.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(" ", l));
        Arbitrary<String> status = Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.of("Pending", "Inappropriate [krunpack-specific]", "Backport [v6.13]",
                        "Submitted [lkml]"));
        Arbitrary<List<FilePatch>> files = filePatch().list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(Arbitraries.oneOf(Arbitraries.just(null), sentence),
                Arbitraries.oneOf(Arbitraries.just(null), sentence), status, files)
                .as((from, subject, st, fs) -> new Patch("gen.patch", FILE, Patch.Origin.OURS, from, subject, st, fs));
    }

    private Arbitrary<String> path() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_', '-', '.').ofMinLength(1)
                .ofMaxLength(8).filter(s -> !s.equals(".") && !s.equals(".."))
                .list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
    }

    private Arbitrary<String> content() {
        return Arbitraries.strings().ofMaxLength(16).withCharRange(' ', '~').withChars('\t', 'é');
    }

    private Arbitrary<Hunk> hunk(String only) {
        Arbitrary<String> op = only != null ? Arbitraries.just(only) : Arbitraries.of(" ", "-", "+");
        Arbitrary<List<String>> body = Combinators.combine(op, content()).as((o, c) -> o + c)
                .list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<String> section = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().withCharRange('a', 'z').withChars('(', ')', ' ', '*').ofMinLength(1)
                        .ofMaxLength(20).map(s -> "x" + s));
        return Combinators.combine(body, Arbitraries.integers().between(1, 5000), section,
                Arbitraries.of(true, false)).as((lines, start, sec, noNewline) -> {
            int ctx = (int) lines.stream().filter(l -> l.startsWith(" ")).count();
            int del = (int) lines.stream().filter(l -> l.startsWith("-")).count();
            int add = (int) lines.stream().filter(l -> l.startsWith("+")).count();
            List<String> all = new ArrayList<>(lines);
            if (noNewline) {
                all.add("\\ No newline at end of file");
            }
            int oldStart = ctx + del == 0 ? 0 : start;
            int newStart = ctx + add == 0 ? 0 : start;
            return new Hunk(oldStart, ctx + del, newStart, ctx + add, sec, all, 0);
        });
    }

    private Arbitrary<FilePatch> filePatch() {
        Arbitrary<FilePatch> modify = Combinators.combine(path(), hunk(null).list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.of(null, "100755"))
                .as((p, hs, mode) -> new FilePatch(p, p, FilePatch.Kind.MODIFY, mode, hs, 0));
        Arbitrary<FilePatch> create = Combinators.combine(path(), hunk("+").list().ofMaxSize(1),
                        Arbitraries.of("100644", "100755"))
                .as((p, hs, mode) -> new FilePatch(null, p, FilePatch.Kind.CREATE, mode, hs, 0));
        Arbitrary<FilePatch> delete = Combinators.combine(path(), hunk("-").list().ofMaxSize(1))
                .as((p, hs) -> new FilePatch(p, null, FilePatch.Kind.DELETE, null, hs, 0));
        Arbitrary<FilePatch> rename = Combinators.combine(path(), path(), hunk(null).list().ofMaxSize(3),
                        Arbitraries.of(FilePatch.Kind.RENAME, FilePatch.Kind.COPY))
                .as((a, b, hs, kind) -> new FilePatch(a, a.equals(b) ? b + "2" : b, kind, null, hs, 0));
        return Arbitraries.oneOf(modify, create, delete, rename);
    }

    /** The model without the patch-file line numbers (a generated patch has none). */
    private static List<Object> normalize(Patch p) {
        List<Object> out = new ArrayList<>(List.of(String.valueOf(p.from()), String.valueOf(p.subject()),
                String.valueOf(p.upstreamStatus())));
        for (FilePatch f : p.files()) {
            List<Hunk> hs = f.hunks().stream().map(h -> new Hunk(h.oldStart(), h.oldCount(), h.newStart(),
                    h.newCount(), h.section(), h.lines(), 0)).toList();
            out.add(new FilePatch(f.oldPath(), f.newPath(), f.kind(), f.newMode(), hs, 0));
        }
        return out;
    }
}
