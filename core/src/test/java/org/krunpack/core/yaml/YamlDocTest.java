package org.krunpack.core.yaml;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class YamlDocTest {
    /** A reader of a three-level schema: top.{a,b}, top.mid.{c,d}, top.mid.deep[].{e,f}. */
    static void readSchema(YamlDoc doc) {
        YamlNode top = doc.root().get("top");
        top.get("a").string();
        top.get("b").integer(0, 0, 10);
        YamlNode mid = top.get("mid");
        mid.get("c").bool(false);
        mid.get("d").strings();
        for (YamlNode item : mid.get("deep").list()) {
            item.get("e").string();
            item.get("f").string();
        }
    }

    static final String GOOD = """
            top:
              a: x
              b: 3
              mid:
                c: true
                d: [p, q]
                deep:
                  - {e: 1, f: 2}
                  - e: 3
                    f: 4
            """;

    @Test
    void aGoodDocumentHasNoProblems() {
        YamlDoc doc = YamlDoc.parse(GOOD, "t.yaml", null);
        readSchema(doc);
        doc.finish();
    }

    @Test
    void misspelledKeysAtEveryDepthAreReportedWithASuggestionAndTheLine() {
        String bad = GOOD.replace("  a: x", "  aa: x").replace("    c: true", "    cc: true")
                .replace("{e: 1, f: 2}", "{e: 1, ff: 2}").replace("mid:", "mdi:");
        YamlDoc doc = YamlDoc.parse(bad, "t.yaml", null);
        readSchema(doc);
        KrunpackException e = catchThrowableOfType(doc::finish, KrunpackException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems()).containsExactly(
                "top.aa: unknown key; did you mean 'a'? (known: a, b, mid) (line 2)",
                "top.mdi: unknown key; did you mean 'mid'? (known: a, b, mid) (line 4)");
        doc = YamlDoc.parse(GOOD.replace("    c: true", "    cc: true").replace("{e: 1, f: 2}", "{e: 1, ff: 2}"),
                "t.yaml", null);
        readSchema(doc);
        e = catchThrowableOfType(doc::finish, KrunpackException.class);
        assertThat(e.problems()).containsExactly(
                "top.mid.cc: unknown key; did you mean 'c'? (known: c, d, deep) (line 5)",
                "top.mid.deep[0].ff: unknown key; did you mean 'f'? (known: e, f) (line 8)");
        assertThat(e.getMessage()).startsWith("t.yaml: 2 problems\n  - top.mid.cc");
    }

    @Test
    void repeatedKeysAreReportedEveryOneOfThem() {
        YamlDoc doc = YamlDoc.parse("""
                top:
                  a: x
                  b: 1
                  a: y
                top:
                  b: 2
                """, "t.yaml", null);
        readSchema(doc);
        KrunpackException e = catchThrowableOfType(doc::finish, KrunpackException.class);
        assertThat(e.problems()).containsExactly(
                "top.a: repeated key (first on line 2); YAML would silently keep only the last one: remove one (line 4)",
                "top: repeated key (first on line 1); YAML would silently keep only the last one: remove one (line 5)");
    }

    @Test
    void wrongTypesAreProblemsNotExceptions() {
        YamlDoc doc = YamlDoc.parse("top: {a: [1], b: eleven, mid: [x]}", "t.yaml", null);
        readSchema(doc);
        KrunpackException e = catchThrowableOfType(doc::finish, KrunpackException.class);
        assertThat(e.problems()).containsExactly(
                "top.a: expected a single value, not a list (line 1)",
                "top.b: 'eleven' is not a whole number (line 1)",
                "top.mid: expected a mapping (key: value lines), not a list (line 1)");
    }

    @Test
    void aSectionNobodyReadsIsReported() {
        YamlDoc doc = YamlDoc.parse("top: {a: x}\nextra: {z: 1}\n", "t.yaml", null);
        doc.root().get("top").get("a").string();
        doc.root().get("extra");
        KrunpackException e = catchThrowableOfType(doc::finish, KrunpackException.class);
        assertThat(e.problems()).containsExactly("extra.z: not read by krunpack: remove it (line 2)");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        KrunpackException e = catchThrowableOfType(() -> YamlDoc.parse("a: [1, 2\nb: 3\n", "t.yaml", null),
                KrunpackException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.getMessage()).startsWith("t.yaml: not valid YAML (line");
    }

    @Test
    void specialFilesAreRefusedByKind(@TempDir Path dir) throws Exception {
        KrunpackException e = catchThrowableOfType(() -> YamlDoc.read(dir), KrunpackException.class);
        assertThat(e.getMessage()).contains("is a directory, not a regular file");
        e = catchThrowableOfType(() -> YamlDoc.read(Path.of("/dev/zero")), KrunpackException.class);
        assertThat(e.getMessage()).contains("is a character device, not a regular file");
        Path big = Files.write(dir.resolve("big.yaml"), new byte[5 << 20]);
        e = catchThrowableOfType(() -> YamlDoc.read(big), KrunpackException.class);
        assertThat(e.getMessage()).contains("larger than 4 MiB");
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder sb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            sb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 10; i++) {
                sb.append(i > 0 ? ", " : "").append('*').append(p);
            }
            sb.append("]\n");
        }
        KrunpackException e = catchThrowableOfType(() -> YamlDoc.parse(sb.toString(), "bomb.yaml", null),
                KrunpackException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    }

    /** Any one key of the schema, misspelled by one edit, is reported with its path and a suggestion. */
    @Property(tries = 150)
    void anyOneMisspelledKeyIsReported(@ForAll("keyIndex") int which, @ForAll("edit") int edit) {
        List<String> keys = List.of("a", "b", "mid", "c", "d", "deep", "e", "f");
        String key = keys.get(which);
        String typo = switch (edit) {
            case 0 -> key + "x";
            case 1 -> key + key;
            default -> "_" + key;
        };
        String text = GOOD.replaceFirst("(?m)^(\\s*-?\\s*\\{?)" + key + ":", "$1" + typo + ":")
                .replaceFirst("\\{" + key + ":", "{" + typo + ":").replaceFirst(", " + key + ":", ", " + typo + ":");
        YamlDoc doc = YamlDoc.parse(text, "t.yaml", null);
        readSchema(doc);
        doc.checkUnknownKeys();
        List<String> unknown = new ArrayList<>();
        for (YamlDoc.Problem p : doc.problems()) {
            if (p.what().startsWith("unknown key")) {
                unknown.add(p.path());
            }
        }
        assertThat(unknown).isNotEmpty().allSatisfy(p -> assertThat(p).endsWith(typo));
    }

    @Provide
    Arbitrary<Integer> keyIndex() {
        return Arbitraries.integers().between(0, 7);
    }

    @Provide
    Arbitrary<Integer> edit() {
        return Arbitraries.integers().between(0, 2);
    }
}
