package org.krunpack.pipeline;

import org.krunpack.core.Artifact;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.StepResult;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Small steps for testing the runner: each reads a "setting" file by content and the value of the
 * step before it, writes an output file derived from both, and counts its runs. A stage of this
 * chain behaves like a real step in everything the runner sees.
 */
final class StepHarness {
    static final String SHA = "0".repeat(128);

    /** A step that writes {@code <out>/<name>.txt} = its setting's content + the previous value. */
    static class FileStep implements Step, Shareable {
        final String name;
        final Path setting;
        final Key<String> previous;
        final Key<String> mine;
        int runs;
        Function<StepContext, StepResult> failure;

        FileStep(String name, Path setting, Key<String> previous) {
            this.name = name;
            this.setting = setting;
            this.previous = previous;
            this.mine = Key.text(name + "-value");
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void inputs(StepContext ctx, Inputs in) {
            in.file("setting", setting);
            if (previous != null) {
                in.upstream(ctx, previous);
            }
        }

        Path output(StepContext ctx) {
            return ctx.workspace().root().resolve(name + ".txt");
        }

        @Override
        public StepResult run(StepContext ctx) {
            runs++;
            if (failure != null) {
                return failure.apply(ctx);
            }
            String v = read(setting) + "+" + (previous == null ? "" : ctx.get(previous));
            try {
                Files.writeString(output(ctx), v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ctx.put(mine, v);
            return result(name, true, List.of(name + " wrote " + v), List.of(new Artifact(name, output(ctx))));
        }

        @Override
        public Map<String, Path> sharedFiles(StepContext ctx) {
            return Map.of("out", output(ctx));
        }

        @Override
        public StepResult restored(StepContext ctx, List<String> summary, String origin) {
            ctx.put(mine, read(output(ctx)));
            return new SharedResult(name, summary, origin, List.of(new Artifact(name, output(ctx))));
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StepResult result(String step, boolean ok, List<String> summary, List<Artifact> artifacts) {
        return new StepResult() {
            @Override
            public String step() {
                return step;
            }

            @Override
            public boolean ok() {
                return ok;
            }

            @Override
            public List<Artifact> artifacts() {
                return artifacts;
            }

            @Override
            public List<String> summary() {
                return summary;
            }

            @Override
            public Map<String, Object> details() {
                return new LinkedHashMap<>();
            }
        };
    }

    /** A chain a → b → c whose settings are files in {@code dir}. */
    static List<FileStep> chain(Path dir) throws IOException {
        List<FileStep> steps = new ArrayList<>();
        Key<String> prev = null;
        for (String n : List.of("a", "b", "c")) {
            Path setting = dir.resolve(n + ".setting");
            if (!Files.exists(setting)) {
                Files.writeString(setting, n + "1");
            }
            FileStep s = new FileStep(n, setting, prev);
            steps.add(s);
            prev = s.mine;
        }
        return steps;
    }

    /** A minimal valid project file in {@code dir} (the runner needs a project; these steps ignore it). */
    static Project project(Path dir, String extra) throws IOException {
        Files.writeString(dir.resolve("linux.tar.xz"), "not read");
        Files.writeString(dir.resolve("a.config"), "CONFIG_A=y\n");
        Path f = dir.resolve("krunpack.yaml");
        Files.writeString(f, """
                libkrunfw: {version: "5.5.0", abi: 5}
                sourceDateEpoch: 1735689600
                cacheDir: %s
                sources:
                  kernel: {path: linux.tar.xz, sha512: "%s"}
                config: {fragments: [a.config]}
                """.formatted(dir.resolve("cache"), SHA) + extra);
        return ProjectLoader.load(f);
    }

    /** Runs {@code steps} in a workspace at {@code out}; log lines go to {@code log}. */
    static RunReport run(Project project, Path out, List<? extends Step> steps, SharedCache shared, List<String> log) {
        try (Workspace ws = Workspace.open(out)) {
            StepContext ctx = new StepContext(project, ws, RunOptions.defaults(), FileDigests.load(ws.digestCache()),
                    new PrintStream(PrintStream.nullOutputStream()), false, log::add).withSharedCache(shared);
            return Runner.run(List.copyOf(steps), ctx);
        }
    }

    static StepResult throwing(KrunpackException e) {
        throw e;
    }

    private StepHarness() {
    }
}
