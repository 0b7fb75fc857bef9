package org.krunpack.pipeline.steps;

import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;
import org.krunpack.project.SourceSpec;
import org.krunpack.sources.SourceResolver;
import org.krunpack.sources.SourcesResult;

import java.nio.file.Files;

/** Picks the kernel tarball (first available candidate) and the release, checks their SHA-512. */
public final class SourcesStep implements Step {
    @Override
    public String name() {
        return "sources";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 1);
        int i = 0;
        for (SourceSpec s : p.kernelSources()) {
            describe(in, "kernel[" + i++ + "]", s);
        }
        i = 0;
        for (SourceSpec s : p.releases()) {
            describe(in, "release[" + i++ + "]", s);
        }
        if (p.kernelSources().stream().anyMatch(s -> s.path() == null) || p.releases().stream().anyMatch(s -> s.path() == null)) {
            in.value("cacheDir", p.cacheDir());
        }
    }

    private static void describe(Inputs in, String name, SourceSpec s) {
        in.value(name, s.origin() + " " + s.fileName() + " " + s.sha512());
        if (s.path() != null) {
            if (Files.isDirectory(s.path())) {
                in.uncacheable("the release is a directory (its content is read each run)");
            } else {
                in.file(name + " file", s.path());
            }
        }
    }

    @Override
    public StepResult run(StepContext ctx) {
        SourcesResult r = SourceResolver.defaults().fetch(ctx.project(), ctx.workspace().sourcesFile(),
                ctx.digests()::sha512);
        ctx.put(Keys.KERNEL_TARBALL, r.kernel().file());
        ctx.put(Keys.KERNEL_SHA512, r.kernel().sha512());
        if (r.release() != null) {
            ctx.put(Keys.RELEASE_SOURCE, r.release().file());
            ctx.put(Keys.RELEASE_SHA512, r.release().sha512() == null ? "" : r.release().sha512());
        }
        return r;
    }
}
