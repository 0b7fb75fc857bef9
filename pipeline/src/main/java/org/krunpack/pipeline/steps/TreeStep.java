package org.krunpack.pipeline.steps;

import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.Progress;
import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.sources.KernelTree;
import org.krunpack.sources.KernelTreeResult;
import org.krunpack.sources.TreeState;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel source tree: reused when it was extracted from the same tarball (whatever series is
 * applied to it: the patches step takes it off again), else extracted atomically, the bytes
 * extracted checked against the tarball's SHA-512.
 */
public final class TreeStep implements Step {
    @Override
    public String name() {
        return "tree";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        in.value("step", 1);
        in.upstream(ctx, Keys.KERNEL_SHA512).upstream(ctx, Keys.KERNEL_VERSION);
        if (ctx.options().freshTree()) {
            in.uncacheable("--fresh-tree");
        }
    }

    @Override
    public StepResult run(StepContext ctx) {
        String version = ctx.get(Keys.KERNEL_VERSION);
        String sha = ctx.get(Keys.KERNEL_SHA512);
        Path tarball = ctx.get(Keys.KERNEL_TARBALL);
        Path target = ctx.workspace().tree(version);
        TreeState state = Files.isDirectory(target) ? TreeState.read(target) : null;
        KernelTreeResult r;
        if (!ctx.options().freshTree() && state != null && sha.equals(state.tarballSha512())
                && !Files.exists(target.resolve(".config"))) {
            r = KernelTreeResult.reused(target, version, tarball);
        } else {
            long size = sizeOf(tarball);
            Progress progress = new Progress(ctx.progress(), ctx.terminal(), "extract");
            r = KernelTree.extract(tarball, target, ctx.workspace().newTempDir("tree"),
                    SafeExtractor.Options.of(ctx.project().limits(), sha)
                            .onBytes(n -> progress.update(n, size, tarball.getFileName().toString())));
            progress.done(r.entries() + " entries in " + r.millis() / 1000.0 + " s");
        }
        ctx.put(Keys.TREE, r.tree());
        return r;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
