package org.krunpack.pipeline;

import org.krunpack.core.Digests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step's outputs depend on, component by component (a setting, a file's content, an earlier
 * step's value). The runner compares the components with the last successful run's to decide
 * whether the step runs, and names the ones that changed when it does.
 */
public final class Inputs {
    private final FileDigests files;
    private final Map<String, String> components = new LinkedHashMap<>();
    private String uncacheable;

    Inputs(FileDigests files) {
        this.files = files;
    }

    /** A setting or any value that can be written as text. */
    public Inputs value(String name, Object value) {
        components.put(name, value == null ? "(none)" : value.toString());
        return this;
    }

    /** A file by content (or "(missing)"). */
    public Inputs file(String name, Path file) {
        if (file == null) {
            components.put(name, "(none)");
        } else if (!Files.isRegularFile(file)) {
            components.put(name, "(missing) " + file);
        } else {
            components.put(name, "sha512:" + files.sha512(file));
        }
        return this;
    }

    /** Files by content, in order. */
    public Inputs files(String name, Collection<Path> list) {
        int i = 0;
        for (Path p : list) {
            file(name + "[" + i++ + "] " + p.getFileName(), p);
        }
        if (list.isEmpty()) {
            components.put(name, "(none)");
        }
        return this;
    }

    /** A value an earlier step put (its text). */
    public <T> Inputs upstream(StepContext ctx, Key<T> key) {
        T v = ctx.find(key);
        components.put("<" + key.name() + ">", v == null ? "(none)" : key.encode().apply(v));
        return this;
    }

    /** The step runs every time (e.g. its outputs are outside krunpack's control). */
    public void uncacheable(String why) {
        this.uncacheable = why;
    }

    String uncacheableReason() {
        return uncacheable;
    }

    Map<String, String> components() {
        return components;
    }

    /** The digest over every component, in order. */
    String digest() {
        StringBuilder sb = new StringBuilder();
        components.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return Digests.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
