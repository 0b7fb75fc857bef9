package org.krunpack.cli;

import org.krunpack.core.Artifact;
import org.krunpack.core.ExitCode;
import org.krunpack.core.StepResult;
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
}
