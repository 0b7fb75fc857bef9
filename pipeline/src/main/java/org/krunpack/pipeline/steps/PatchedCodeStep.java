package org.krunpack.pipeline.steps;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;
import org.krunpack.kbuild.KernelBuild;
import org.krunpack.patches.FilePatch;
import org.krunpack.patches.Hunk;
import org.krunpack.patches.Patch;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Shareable;
import org.krunpack.pipeline.SharedResult;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the C files the series changes (those the config builds) before the full build, so a
 * patch that applies (with fuzz, say) but does not compile fails within minutes, naming the patch
 * whose lines hold the error. The objects stay in the build directory for the full build. Its verdict
 * is shared through the shared build cache with the kernel image it precedes.
 */
public final class PatchedCodeStep implements Step, Shareable {
    @Override
    public String name() {
        return "patched-code";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 1);
        in.upstream(ctx, Keys.TREE_STATE).upstream(ctx, Keys.CONFIG_SHA512);
        in.value("compiler", ConfigStep.toolchain(ctx).identity());
        in.value("build", p.sourceDateEpoch() + " " + p.build().user() + " " + p.build().host());
    }

    static KernelBuild.Request request(StepContext ctx) {
        Project p = ctx.project();
        return new KernelBuild.Request(ctx.get(Keys.TREE), ctx.workspace().buildDir(p.arch(), p.variant()),
                ConfigStep.toolchain(ctx), ctx.workspace().kernelDir(), p.sourceDateEpoch(), p.build().jobs(),
                p.build().user(), p.build().host());
    }

    @Override
    public StepResult run(StepContext ctx) {
        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, Map<String, List<int[]>>> hunks = new LinkedHashMap<>();
        for (Patch patch : Series.plan(ctx).patches()) {
            for (FilePatch f : patch.files()) {
                if (f.kind() == FilePatch.Kind.DELETE || !f.path().endsWith(".c")) {
                    continue;
                }
                files.computeIfAbsent(f.path(), k -> new ArrayList<>()).add(patch.name());
                List<int[]> ranges = hunks.computeIfAbsent(f.path(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(patch.name(), k -> new ArrayList<>());
                for (Hunk h : f.hunks()) {
                    ranges.add(new int[] {h.newStart(), h.newCount()});
                }
            }
        }
        for (var e : files.entrySet()) {
            e.setValue(e.getValue().stream().distinct().toList());
        }
        Path log = ctx.workspace().kernelDir().resolve("patched-code.log");
        List<KernelBuild.Compiled> results = files.isEmpty() ? List.of()
                : KernelBuild.compileFirst(request(ctx), files, hunks, log, ctx.progress(), ctx.terminal());
        return new Result(results, files.isEmpty() ? null : log);
    }

    @Override
    public Map<String, Path> sharedFiles(StepContext ctx) {
        return Map.of();
    }

    @Override
    public StepResult restored(StepContext ctx, List<String> summary, String origin) {
        return new SharedResult(name(), summary, origin, List.of());
    }

    /** What compiling the patched files first found. */
    record Result(List<KernelBuild.Compiled> files, Path log) implements StepResult {
        @Override
        public String step() {
            return "patched-code";
        }

        @Override
        public boolean ok() {
            return files.stream().noneMatch(f -> f.status().equals("failed"));
        }

        @Override
        public List<Artifact> artifacts() {
            return log == null ? List.of() : List.of(new Artifact("patched-code-log", log));
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            long compiled = files.stream().filter(f -> f.status().equals("compiled")).count();
            long skipped = files.stream().filter(f -> f.status().startsWith("skipped")).count();
            long failed = files.size() - compiled - skipped;
            s.add(files.size() + " C files the series changes: " + compiled + " compiled first, " + failed
                    + " failed, " + skipped + " skipped (not built by this config or another architecture's)");
            for (KernelBuild.Compiled f : files) {
                if (f.status().equals("failed")) {
                    s.add("FAILED: " + f.error());
                }
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> list = new ArrayList<>();
            for (KernelBuild.Compiled f : files) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("file", f.file());
                e.put("status", f.status());
                e.put("patches", f.patches());
                e.put("error", f.error());
                list.add(e);
            }
            m.put("files", list);
            m.put("log", log == null ? null : log.toString());
            return m;
        }
    }
}
