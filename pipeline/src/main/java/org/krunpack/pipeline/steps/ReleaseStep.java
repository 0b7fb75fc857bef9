package org.krunpack.pipeline.steps;

import org.krunpack.archive.SafeExtractor;
import org.krunpack.core.Artifact;
import org.krunpack.core.Problems;
import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;
import org.krunpack.release.LibkrunfwRelease;
import org.krunpack.sources.KernelTree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens the libkrunfw release (if any) and checks every version fact before anything is extracted:
 * the project's libkrunfw version and ABI against the release's Makefile, the project's
 * kernel.version against the tarball's own Makefile (read by streaming, remembered by digest). A
 * release made for another kernel than the one built is a rebase: reported, not an error
 * (kernel.version wins).
 */
public final class ReleaseStep implements Step {
    @Override
    public String name() {
        return "release";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 1);
        in.upstream(ctx, Keys.KERNEL_SHA512).upstream(ctx, Keys.RELEASE_SHA512).upstream(ctx, Keys.RELEASE_SOURCE);
        in.value("libkrunfw", p.libkrunfw().version() + " abi " + p.libkrunfw().abi());
        in.value("kernel.version", p.kernelVersion());
        in.value("variant", p.variant().id());
        if ("".equals(ctx.find(Keys.RELEASE_SHA512))) {
            in.uncacheable("the release is a directory");
        }
    }

    @Override
    public StepResult run(StepContext ctx) {
        Project p = ctx.project();
        Path tarball = ctx.get(Keys.KERNEL_TARBALL);
        String tarballVersion = KernelTree.tarballVersion(tarball, ctx.get(Keys.KERNEL_SHA512), p.cacheDir());
        Problems problems = new Problems(p.file().toString());
        if (p.kernelVersion() != null && !KernelTree.sameVersion(p.kernelVersion(), tarballVersion)) {
            problems.add("kernel.version", "says " + p.kernelVersion() + " but the kernel tarball " + tarball
                    + " is " + tarballVersion + " (its Makefile): name a tarball of " + p.kernelVersion()
                    + " in sources.kernel, or change kernel.version");
        }
        LibkrunfwRelease release = null;
        Path source = ctx.find(Keys.RELEASE_SOURCE);
        if (source != null) {
            String sha = ctx.find(Keys.RELEASE_SHA512);
            release = LibkrunfwRelease.open(source, ctx.workspace().releaseDir().getParent(),
                    SafeExtractor.Options.of(p.limits(), sha == null || sha.isEmpty() ? null : sha));
            if (!release.fullVersion().equals(p.libkrunfw().version())) {
                problems.add("libkrunfw.version", "says " + p.libkrunfw().version() + " but " + release.makefile()
                        + " (FULL_VERSION) says " + release.fullVersion() + ": make them agree");
            }
            if (!release.abiVersion().equals(Integer.toString(p.libkrunfw().abi()))) {
                problems.add("libkrunfw.abi", "says " + p.libkrunfw().abi() + " but " + release.makefile()
                        + " (ABI_VERSION) says " + release.abiVersion() + ": make them agree");
            }
        }
        problems.throwIfAny();
        ctx.put(Keys.KERNEL_VERSION, tarballVersion);
        if (release != null) {
            ctx.put(Keys.RELEASE_DIR, release.root());
        }
        return new Result(release, tarballVersion, p.kernelVersion() != null ? "kernel.version" : "the tarball");
    }

    /** The release step's result: the release, the kernel built on, and whether that is a rebase. */
    record Result(LibkrunfwRelease release, String kernelVersion, String kernelFrom) implements StepResult {
        @Override
        public String step() {
            return "release";
        }

        @Override
        public boolean ok() {
            return true;
        }

        boolean rebase() {
            return release != null && !KernelTree.sameVersion(release.kernelVersion(), kernelVersion);
        }

        @Override
        public List<Artifact> artifacts() {
            return release == null ? List.of() : List.of(new Artifact("release-tree", release.root()));
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            if (release == null) {
                s.add("no libkrunfw release: our series and config only; kernel " + kernelVersion);
                return s;
            }
            s.add("libkrunfw " + release.fullVersion() + " (ABI " + release.abiVersion() + "), "
                    + release.patches().size() + " patches, " + release.teePatches().size() + " TEE patches");
            if (rebase()) {
                s.add("rebase: the release names " + release.kernelName() + "; building on " + kernelVersion
                        + " (" + kernelFrom + ")");
            } else {
                s.add("kernel " + kernelVersion + ", as the release names it");
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernelVersion", kernelVersion);
            if (release != null) {
                m.put("release", release.fullVersion());
                m.put("abi", release.abiVersion());
                m.put("releaseKernel", release.kernelVersion());
                m.put("releaseTree", release.root().toString());
                Map<String, Object> rebase = null;
                if (rebase()) {
                    rebase = new LinkedHashMap<>();
                    rebase.put("from", release.kernelVersion());
                    rebase.put("to", kernelVersion);
                }
                m.put("rebase", rebase);
            }
            return m;
        }
    }
}
