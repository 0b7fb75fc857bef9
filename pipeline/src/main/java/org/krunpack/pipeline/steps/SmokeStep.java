package org.krunpack.pipeline.steps;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.smoke.Smoke;
import org.krunpack.smoke.SmokeResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Boots the library's kernel under QEMU and probes the manifest's features. */
public final class SmokeStep implements Step {
    @Override
    public String name() {
        return "smoke";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        in.value("step", 2); // 2: details always by backend ("smoke", "smoke-libkrun")
        in.upstream(ctx, Keys.LIBRARY_SHA512).upstream(ctx, Keys.CONFIG_SHA512);
        in.file("features", ctx.project().config().features());
        in.value("accel", ctx.options().accel()).value("timeout", ctx.options().smokeTimeout());
    }

    @Override
    public StepResult run(StepContext ctx) {
        List<SmokeResult> results = Smoke.run(new Smoke.Options(ctx.get(Keys.LIBRARY), ctx.options().accel(),
                ctx.options().smokeTimeout(), ctx.project().config().features(), ctx.get(Keys.CONFIG),
                ctx.workspace().smokeDir(), null, true), Smoke.Host.system(), ctx::log);
        // Always by backend, one or two: the JSON has one shape on every host and arch.
        return new All(results);
    }

    /** The backends' results as one step, details keyed by backend. */
    record All(List<SmokeResult> results) implements StepResult {
        @Override
        public String step() {
            return "smoke";
        }

        @Override
        public boolean ok() {
            return results.stream().allMatch(SmokeResult::ok);
        }

        @Override
        public List<Artifact> artifacts() {
            List<Artifact> a = new ArrayList<>();
            results.forEach(r -> a.addAll(r.artifacts()));
            return a;
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            for (SmokeResult r : results) {
                s.add(r.step() + ":");
                r.summary().forEach(l -> s.add("  " + l));
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (SmokeResult r : results) {
                m.put(r.step(), r.details());
            }
            return m;
        }
    }
}
