package org.krunpack.pipeline;

import org.krunpack.core.KrunpackException;
import org.krunpack.project.Project;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a step sees: the project, the workspace, the command's options, the file digest cache,
 * where to print progress, and the values earlier steps put.
 */
public final class StepContext {
    private final Project project;
    private final Workspace workspace;
    private final RunOptions options;
    private final FileDigests digests;
    private final PrintStream progress;
    private final boolean terminal;
    private final Consumer<String> log;
    private final Map<String, String> values = new HashMap<>();
    private SharedCache sharedCache;

    public StepContext(Project project, Workspace workspace, RunOptions options, FileDigests digests,
                       PrintStream progress, boolean terminal, Consumer<String> log) {
        this.project = project;
        this.workspace = workspace;
        this.options = options;
        this.digests = digests;
        this.progress = progress;
        this.terminal = terminal;
        this.log = log;
    }

    public Project project() {
        return project;
    }

    public Workspace workspace() {
        return workspace;
    }

    public RunOptions options() {
        return options;
    }

    public FileDigests digests() {
        return digests;
    }

    /** The shared build cache ({@code cache.repository}), or null. */
    public SharedCache sharedCache() {
        return sharedCache;
    }

    /** Uses a shared build cache for the {@link Shareable} steps of this run (null: none). */
    public StepContext withSharedCache(SharedCache cache) {
        this.sharedCache = cache;
        return this;
    }

    /** Where progress goes (stderr in JSON mode). */
    public PrintStream progress() {
        return progress;
    }

    /** True when progress may redraw a bar. */
    public boolean terminal() {
        return terminal;
    }

    /** A human line (stderr in JSON mode). */
    public void log(String line) {
        log.accept(line);
    }

    /** Puts a value for later steps (kept in the step's record). */
    public <T> void put(Key<T> key, T value) {
        values.put(key.name(), key.encode().apply(value));
    }

    /** The value an earlier step put; a bug when it is missing. */
    public <T> T get(Key<T> key) {
        T v = find(key);
        if (v == null) {
            throw new IllegalStateException("no value '" + key.name() + "': a step reads it before any step put it");
        }
        return v;
    }

    /** The value an earlier step put, or null. */
    public <T> T find(Key<T> key) {
        String s = values.get(key.name());
        return s == null ? null : key.decode().apply(s);
    }

    Map<String, String> values() {
        return values;
    }

    void putAll(Map<String, String> recorded) {
        values.putAll(recorded);
    }

    /** Wraps a problem that must stop the run with a usage error naming the project file. */
    public KrunpackException usage(String message) {
        return KrunpackException.usage(project.file() + ": " + message);
    }
}
