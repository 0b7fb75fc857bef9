package org.krunpack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Our report writer gives byte for byte what Jackson's indented writer gives. */
class JsonPropertiesTest {
    private static final ObjectMapper JACKSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer()));

    @Property(tries = 300)
    void writesWhatJacksonWrites(@ForAll("documents") Map<String, Object> doc) throws Exception {
        assertThat(Json.simple(doc)).isTrue();
        assertThat(Json.write(doc)).isEqualTo(JACKSON.writeValueAsString(doc));
    }

    @Test
    void aReportLikeDocumentAndTheFallback() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", "bundle");
        doc.put("exitCode", 0);
        doc.put("artifacts", Map.of("library", Path.of("/out/bundle/libkrunfw.so.5.5.0")));
        doc.put("steps", List.of(Map.of("step", "bundle", "ok", true, "summary", List.of("a \"q\"\n\u0001é")),
                Map.of()));
        doc.put("format", BaseCommand.Format.json);
        doc.put("ratio", 1.5e-7);
        doc.put("none", null);
        assertThat(Json.write(doc)).isEqualTo(JACKSON.writeValueAsString(doc)).contains("\"steps\" : [ {");
        // Not ours to write (a float, a record): Jackson writes it.
        Map<String, Object> other = Map.of("f", 1.5f, "r", new Point(1, 2));
        assertThat(Json.simple(other)).isFalse();
        assertThat(Json.write(other)).isEqualTo(JACKSON.writeValueAsString(other));
    }

    record Point(int x, int y) {
    }

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        return map(3);
    }

    private Arbitrary<Map<String, Object>> map(int depth) {
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), value(depth - 1)).ofMaxSize(4)
                .map(m -> new LinkedHashMap<>(m));
    }

    private Arbitrary<Object> value(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(8).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.strings().alpha().ofMaxLength(5).map(s -> (Object) Path.of("/p", s)),
                Arbitraries.just(null));
        if (depth <= 0) {
            return leaf;
        }
        return Arbitraries.oneOf(leaf, map(depth).map(m -> (Object) m),
                value(depth - 1).list().ofMaxSize(3).map(l -> (Object) l));
    }
}
