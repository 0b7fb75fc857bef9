package org.krunpack.cli;

import org.krunpack.core.Artifact;
import org.krunpack.core.ExitCode;
import org.krunpack.core.StepResult;
import org.krunpack.pipeline.FailedStep;
import org.krunpack.pipeline.RunReport;
import org.krunpack.pipeline.StepOutcome;
import org.krunpack.project.Project;
import org.krunpack.project.ProjectLoader;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Options every subcommand shares ({@code -c}, {@code --out}, {@code --format}) and the one way a
 * subcommand reports: text lines, or one JSON document on stdout listing the result and every
 * artifact.
 */
public abstract class BaseCommand implements Callable<Integer> {
    /** Output formats. */
    public enum Format { text, json }

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "krunpack.yaml",
            description = "Project file (default: ${DEFAULT-VALUE}).")
    protected Path configFile;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out",
            description = "Output directory (default: ${DEFAULT-VALUE}/).")
    protected Path outDir;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    protected Format format;

    public boolean json() {
        return format == Format.json;
    }

    /** Loads and validates the project file (every problem at once, exit code 2). */
    protected Project project() {
        org.krunpack.core.Inputs.requireRegularFile(configFile, "--config (the project file)");
        return ProjectLoader.load(configFile);
    }

    /** Where human-readable lines go: stdout for text, stderr for JSON (stdout holds the document). */
    protected PrintWriter log() {
        return json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }

    /** Prints the results and returns the exit code: 0 when every step passed, 1 otherwise. */
    protected int report(List<? extends StepResult> results) {
        boolean ok = results.stream().allMatch(StepResult::ok);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", spec.qualifiedName(" ").replaceFirst("^krunpack ", ""));
            doc.put("result", ok ? "ok" : "failed");
            doc.put("exitCode", ok ? 0 : ExitCode.CHECK_FAILED.code());
            Map<String, Object> artifacts = new LinkedHashMap<>();
            List<Map<String, Object>> steps = new ArrayList<>();
            for (StepResult r : results) {
                for (Artifact a : r.artifacts()) {
                    artifacts.put(a.role(), a.path().toAbsolutePath().normalize().toString());
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", r.step());
                s.put("ok", r.ok());
                s.put("summary", r.summary());
                s.put("details", r.details());
                steps.add(s);
            }
            doc.put("artifacts", artifacts);
            doc.put("steps", steps);
            spec.commandLine().getOut().println(Json.write(doc));
        } else {
            PrintWriter out = spec.commandLine().getOut();
            for (StepResult r : results) {
                out.println((r.ok() ? "[ok]   " : "[FAIL] ") + r.step());
                for (String line : r.summary()) {
                    out.println("       " + line);
                }
                for (Artifact a : r.artifacts()) {
                    out.println("       " + a.role() + ": " + a.path());
                }
            }
        }
        spec.commandLine().getOut().flush();
        return ok ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }

    protected int report(StepResult result) {
        return report(List.of(result));
    }

    /**
     * Prints every step of a run (ran, cached, failed, not run) and returns the run's exit code. In
     * JSON mode the one document lists them all, with the error of a step that threw.
     */
    protected int report(RunReport run) {
        PrintWriter out = spec.commandLine().getOut();
        String error = null;
        List<String> problems = List.of();
        for (StepOutcome o : run.steps()) {
            if (o.result() instanceof FailedStep f) {
                error = f.message();
                problems = f.problems();
            }
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", spec.qualifiedName(" ").replaceFirst("^krunpack ", ""));
            doc.put("result", run.ok() ? "ok" : error != null ? "error" : "failed");
            doc.put("exitCode", run.exitCode().code());
            if (error != null) {
                doc.put("error", error);
                if (!problems.isEmpty()) {
                    doc.put("problems", problems);
                }
            }
            Map<String, Object> artifacts = new LinkedHashMap<>();
            List<Map<String, Object>> steps = new ArrayList<>();
            for (StepOutcome o : run.steps()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", o.step());
                s.put("status", o.status().id());
                s.put("ok", o.result() != null && o.result().ok());
                s.put("millis", o.millis());
                if (o.why() != null) {
                    s.put("why", o.why());
                }
                if (o.result() != null) {
                    for (Artifact a : o.result().artifacts()) {
                        artifacts.put(a.role(), a.path().toAbsolutePath().normalize().toString());
                    }
                    s.put("summary", o.result().summary());
                    s.put("details", o.result().details());
                }
                steps.add(s);
            }
            doc.put("artifacts", artifacts);
            doc.put("steps", steps);
            out.println(Json.write(doc));
        } else {
            for (StepOutcome o : run.steps()) {
                String head = switch (o.status()) {
                    case RAN -> "[ok]   " + o.step() + String.format(" (%.1f s)", o.millis() / 1000.0);
                    case CACHED -> "[ok]   " + o.step() + " (unchanged: skipped)";
                    case SHARED -> "[ok]   " + o.step() + String.format(" (from the shared build cache, %.1f s)",
                            o.millis() / 1000.0);
                    case FAILED -> "[FAIL] " + o.step();
                    case NOT_RUN -> "[--]   " + o.step() + " (not run: an earlier step failed)";
                };
                out.println(head);
                if (o.result() != null && !(o.result() instanceof FailedStep)) {
                    for (String line : o.result().summary()) {
                        out.println("       " + line);
                    }
                    for (Artifact a : o.result().artifacts()) {
                        out.println("       " + a.role() + ": " + a.path());
                    }
                }
            }
        }
        out.flush();
        if (error != null) {
            spec.commandLine().getErr().println("krunpack: " + error);
            spec.commandLine().getErr().flush();
        }
        return run.exitCode().code();
    }
}
