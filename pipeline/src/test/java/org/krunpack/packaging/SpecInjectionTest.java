package org.krunpack.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.krunpack.core.Sandbox;
import org.krunpack.specgen.ModelException;
import org.krunpack.specgen.PackageModel;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SpecGenerator;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile values in every text field of the packaging model (issue 13, item 4). Each payload goes
 * into each String leaf of the libkrunfw model (found by reflection over the model's records, so a
 * field added later is covered too); the value is either refused, naming the field, or the spec is
 * generated and {@code rpmspec -P} (in the sandbox) parses it without creating the canary file.
 */
@Tag("tools")
class SpecInjectionTest {
    /** {@code C} stands for the canary's path. */
    static final List<String> PAYLOADS = List.of(
            "%(touch C)",
            "%{lua:io.open(\"C\",\"w\"):close()}",
            "%{shrink:%(touch C)}",
            "%{expand:%%(touch C)}",
            "%[%(touch C)]",
            "%%(touch C)",
            "\\%(touch C)",
            "x\n%build\ntouch C",
            "x\r%(touch C)",
            "ends in a backslash \\",
            "$(touch C) `touch C`",
            "%{url}/%(touch C)/%{version}.tar.gz",
            "https://example.org/%(touch C)",
            "gcc >= 1 %(touch C)");

    /** One model with one String leaf replaced. */
    record Mutation(String path, Function<String, PackageModel> with) {
    }

    @Test
    void noPayloadInAnyFieldRunsCodeOrBreaksTheSpec(@TempDir Path dir) throws Exception {
        Sandbox sandbox = Sandbox.forInputs(false);
        assertThat(sandbox.isolated()).as("this test runs rpmspec on hostile specs: it needs the sandboxed runner (" +
                sandbox.whyNot() + ")").isTrue();
        PackageModel base0 = Fixtures.checkedInWithoutReleasePatches().get("libkrunfw").withProjectFacts("5.5.0",
                "6.12.117", 5, List.of(new PackageModel.ReleasePatch("0008-a.patch", "replace", "0008-a.patch",
                        "a".repeat(128), 0, "a reason"), new PackageModel.ReleasePatch("0009-b.patch", "exclude", "",
                        "", 0, "another reason")));
        PackageModel base = base0;
        // the imported parts too: a commented patch, a build condition, verbatim lines in two slots
        base = base.withImported(List.of(new PackageModel.Patch("x.patch", "submitted")),
                List.of(new PackageModel.Bcond("lto", false, "why")), List.of(new PackageModel.Extra("prep",
                        List.of("echo prep")), new PackageModel.Extra("install", List.of("echo install"))),
                base.changelog());
        List<Mutation> mutations = leaves(base, "", x -> (PackageModel) x);
        assertThat(mutations.size()).as("String leaves of the model").isGreaterThan(50);

        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Path specs = Files.createDirectories(scratch.resolve("specs"));
        Files.writeString(scratch.resolve("macros"), SpecGenerator.autospecMacros());
        SpecGenerator gen = new SpecGenerator(null);
        // the house-style lint (line length) would refuse long payloads before they reach rpmspec
        System.setProperty("krunpack.noLint", "true");
        int refused = 0;
        int rendered = 0;
        List<String> canaries = new ArrayList<>();
        for (Mutation m : mutations) {
            for (String payload : PAYLOADS) {
                Path canary = scratch.resolve("canary-" + canaries.size());
                canaries.add(m.path() + " <- " + payload.replace("\n", "\\n").replace("\r", "\\r"));
                PackageModel p = m.with().apply(payload.replace("C", canary.toString()));
                for (Profile profile : Profile.values()) {
                    String spec;
                    try {
                        spec = gen.render(p, profile, "m");
                    } catch (ModelException e) {
                        // refused: the message names the field
                        String field = m.path().replaceAll("\\[\\d+]$", "");
                        assertThat(e.problems()).as(m.path() + " <- " + payload)
                                .anySatisfy(x -> assertThat(x).contains(field.isEmpty() ? "packages." : field));
                        refused++;
                        continue;
                    }
                    rendered++;
                    Files.writeString(specs.resolve((canaries.size() - 1) + "-" + profile.id() + ".spec"), spec);
                }
            }
        }
        System.clearProperty("krunpack.noLint");
        // one sandboxed run parses every generated spec (our loop; the specs are the inputs)
        Sandbox.Result r = sandbox.run(Sandbox.Request.of(List.of("sh", "-c",
                "for f in specs/*.spec; do rpmspec --load macros -P \"$f\" >/dev/null 2>\"$f.err\""
                        + " || echo \"$f\" >> failed; done"), scratch).withTimeout(Duration.ofMinutes(10)));
        assertThat(r.ok()).as(r.describe() + r.stderr()).isTrue();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < canaries.size(); i++) {
            if (Files.exists(scratch.resolve("canary-" + i))) {
                created.add(canaries.get(i));
            }
        }
        assertThat(created).as("payloads that ran code through rpmspec -P").isEmpty();
        List<String> failed = Files.exists(scratch.resolve("failed"))
                ? Files.readAllLines(scratch.resolve("failed")) : List.of();
        List<String> why = new ArrayList<>();
        for (String f : failed) {
            int n = Integer.parseInt(Path.of(f).getFileName().toString().replaceAll("-.*", ""));
            why.add(canaries.get(n) + ": " + Files.readString(scratch.resolve(f + ".err")).strip());
        }
        assertThat(why).as("accepted values whose spec rpmspec cannot parse").isEmpty();
        assertThat(rendered).as("payloads accepted as (escaped) text").isPositive();
        assertThat(refused).as("payloads refused").isPositive();
        System.out.printf("spec injection: %d field(s) x %d payloads: %d refused, %d specs parsed%n",
                mutations.size(), PAYLOADS.size(), refused, rendered);
    }

    /** Every String leaf under {@code value} (a record, a list, a String), with a way to replace it. */
    static List<Mutation> leaves(Object value, String path, Function<Object, PackageModel> rebuild) {
        List<Mutation> out = new ArrayList<>();
        if (value instanceof String) {
            out.add(new Mutation(path, s -> rebuild.apply(s)));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                int at = i;
                out.addAll(leaves(list.get(i), path + "[" + i + "]", x -> {
                    List<Object> copy = new ArrayList<>(list);
                    copy.set(at, x);
                    return rebuild.apply(copy);
                }));
            }
        } else if (value instanceof Record rec) {
            RecordComponent[] cs = rec.getClass().getRecordComponents();
            for (int i = 0; i < cs.length; i++) {
                int at = i;
                Object v = get(cs[i], rec);
                String p = path.isEmpty() ? cs[i].getName() : path + "." + cs[i].getName();
                out.addAll(leaves(v, p, x -> rebuild.apply(copy(rec, cs, at, x))));
            }
        }
        return out;
    }

    static Object get(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Record copy(Record r, RecordComponent[] cs, int at, Object value) {
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            args[i] = i == at ? value : get(cs[i], r);
            types[i] = cs[i].getType();
        }
        try {
            return (Record) r.getClass().getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
