package org.krunpack.pipeline;

import org.krunpack.core.Artifact;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.StepResult;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs an ordered list of steps: each is skipped when its inputs equal those of its last successful
 * run and its artifacts are intact, else run; the first failure (a failed check, or any exception,
 * which becomes a failed result) stops the run, and the steps after it are reported as not run.
 * Every step's outcome is returned, so the text report and the JSON document always list all of
 * them.
 */
public final class Runner {
    private Runner() {
    }

    public static RunReport run(List<Step> steps, StepContext ctx) {
        List<StepOutcome> outcomes = new ArrayList<>();
        ExitCode exit = ExitCode.OK;
        try {
            for (Step step : steps) {
                if (exit != ExitCode.OK) {
                    outcomes.add(new StepOutcome(step.name(), StepOutcome.Status.NOT_RUN, null, 0, null));
                    continue;
                }
                StepOutcome o = runOne(step, ctx);
                outcomes.add(o);
                if (o.status() == StepOutcome.Status.FAILED) {
                    exit = o.result() instanceof FailedStep f ? f.exitCode() : ExitCode.CHECK_FAILED;
                }
            }
        } finally {
            ctx.digests().save();
        }
        return new RunReport(List.copyOf(outcomes), exit);
    }

    private static StepOutcome runOne(Step step, StepContext ctx) {
        long t0 = System.nanoTime();
        Path recordFile = ctx.workspace().stepRecord(step.name());
        Inputs in = new Inputs(ctx.digests());
        try {
            step.inputs(ctx, in);
        } catch (RuntimeException | Error e) {
            return failed(step, e, t0, "its inputs could not be read");
        }
        String digest = in.digest();
        StepRecord previous = StepRecord.read(recordFile);
        String why;
        if (!ctx.options().useCache()) {
            why = "--no-cache";
        } else if (in.uncacheableReason() != null) {
            why = in.uncacheableReason();
        } else if (previous == null) {
            why = "no earlier successful run";
        } else if (!previous.inputDigest().equals(digest)) {
            why = "changed: " + String.join(", ", changed(previous.inputs(), in.components()));
        } else {
            String missing = damaged(previous, ctx);
            if (missing == null) {
                ctx.putAll(previous.values());
                return new StepOutcome(step.name(), StepOutcome.Status.CACHED, new RecordedResult(previous), 0,
                        null);
            }
            why = missing;
        }
        // A run that fails or is killed half-way must not leave a record claiming success.
        StepRecord.delete(recordFile);
        Map<String, String> before = new HashMap<>(ctx.values());
        SharedCache shared = ctx.options().useCache() && in.uncacheableReason() == null
                && step instanceof Shareable ? ctx.sharedCache() : null;
        StepResult result = null;
        StepOutcome.Status status = StepOutcome.Status.RAN;
        org.krunpack.core.Interrupts.activity("step " + step.name());
        try {
            if (shared != null) {
                Shareable s = (Shareable) step;
                SharedCache.Fetched f = shared.fetch(step.name(), digest, s.sharedFiles(ctx));
                if (f.found()) {
                    result = s.restored(ctx, f.summary(), shared.describe());
                    status = StepOutcome.Status.SHARED;
                } else {
                    ctx.log(step.name() + ": " + f.why() + "; running it");
                }
            }
            if (result == null) {
                result = step.run(ctx);
            }
        } catch (RuntimeException | Error e) {
            return failed(step, e, t0, why);
        } finally {
            org.krunpack.core.Interrupts.activity(null);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (!result.ok()) {
            return new StepOutcome(step.name(), StepOutcome.Status.FAILED, result, millis, why);
        }
        Map<String, String> put = new LinkedHashMap<>();
        ctx.values().forEach((k, v) -> {
            if (!Objects.equals(before.get(k), v)) {
                put.put(k, v);
            }
        });
        List<StepRecord.RecordedArtifact> artifacts = new ArrayList<>();
        for (Artifact a : result.artifacts()) {
            Path p = a.path().toAbsolutePath().normalize();
            artifacts.add(new StepRecord.RecordedArtifact(a.role(), p.toString(),
                    Files.isRegularFile(p) ? ctx.digests().sha512(p) : null));
        }
        if (shared != null && status == StepOutcome.Status.RAN) {
            String problem = shared.publish(step.name(), digest, ((Shareable) step).sharedFiles(ctx), result.summary());
            if (problem != null) {
                ctx.log(step.name() + ": " + problem);
            }
        }
        if (in.uncacheableReason() == null) {
            new StepRecord(StepRecord.FORMAT, step.name(), digest, in.components(), result.summary(),
                    result.details(), artifacts, put, Instant.now().toString(), millis).write(recordFile);
        }
        return new StepOutcome(step.name(), status, result, millis, why);
    }

    private static StepOutcome failed(Step step, Throwable e, long t0, String why) {
        long millis = (System.nanoTime() - t0) / 1_000_000;
        FailedStep f;
        if (e instanceof KrunpackException k) {
            f = new FailedStep(step.name(), k.exitCode(), k.getMessage(), k.problems(), null);
        } else {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            f = new FailedStep(step.name(), ExitCode.UNEXPECTED, "unexpected error in step " + step.name() + ": " + e
                    + "\nThis is a bug in krunpack: please report it with the command line and the trace.", List.of(),
                    sw.toString());
        }
        return new StepOutcome(step.name(), StepOutcome.Status.FAILED, f, millis, why);
    }

    /** The input components that differ, by name. */
    static List<String> changed(Map<String, String> before, Map<String, String> now) {
        List<String> out = new ArrayList<>();
        for (var e : now.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                out.add(e.getKey());
            }
        }
        for (String k : before.keySet()) {
            if (!now.containsKey(k)) {
                out.add(k + " (gone)");
            }
        }
        return out.isEmpty() ? List.of("input format") : out;
    }

    /** Why the recorded artifacts cannot be trusted, or null when they are all there and unchanged. */
    private static String damaged(StepRecord r, StepContext ctx) {
        for (StepRecord.RecordedArtifact a : r.artifacts()) {
            Path p = Path.of(a.path());
            if (!Files.exists(p)) {
                return "its output " + p + " is gone";
            }
            if (a.sha512() != null && !ctx.digests().knownUnchanged(p, a.sha512())
                    && !(Files.isRegularFile(p) && a.sha512().equals(ctx.digests().sha512(p)))) {
                return "its output " + p + " was changed";
            }
        }
        return null;
    }
}
