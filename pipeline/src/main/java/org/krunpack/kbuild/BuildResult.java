package org.krunpack.kbuild;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a kernel build.
 *
 * @param image       the built image copied to the output directory (vmlinux or Image)
 * @param log         the full build log
 * @param seconds     wall-clock seconds of the make run
 * @param compiled    compile/link steps make reported
 * @param ccache      whether ccache was used
 * @param jobs        make -j value
 * @param environment the reproducibility variables passed to make
 */
public record BuildResult(Path image, Path log, double seconds, int compiled, boolean ccache, int jobs,
                          Map<String, String> environment) implements StepResult {
    @Override
    public String step() {
        return "build";
    }

    @Override
    public boolean ok() {
        return true;
    }

    @Override
    public List<Artifact> artifacts() {
        return List.of(new Artifact("kernel-image", image), new Artifact("build-log", log));
    }

    @Override
    public List<String> summary() {
        return List.of(String.format("make -j%d: %.1f s, %d steps%s", jobs, seconds, compiled,
                ccache ? ", ccache" : ", no ccache"),
                "KBUILD_BUILD_TIMESTAMP=" + environment.get("KBUILD_BUILD_TIMESTAMP"));
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seconds", seconds);
        d.put("steps", compiled);
        d.put("jobs", jobs);
        d.put("ccache", ccache);
        d.put("environment", environment);
        return d;
    }
}
