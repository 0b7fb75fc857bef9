package org.krunpack.pipeline.steps;

import org.krunpack.bundle.BundleRequest;
import org.krunpack.bundle.BundleResult;
import org.krunpack.bundle.Bundler;
import org.krunpack.core.StepResult;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.core.AtomicFiles;
import org.krunpack.core.Digests;
import org.krunpack.kbuild.KernelBuild;
import org.krunpack.patches.Decision;
import org.krunpack.patches.Patch;
import org.krunpack.patches.PatchSeries;
import org.krunpack.project.Project;
import org.krunpack.release.LibkrunfwRelease;
import org.krunpack.sources.KernelTree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bundles the kernel image into libkrunfw[-variant].so.VERSION. */
public final class BundleStep implements Step {
    @Override
    public String name() {
        return "bundle";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 2); // 2: the library is written by our ELF writer, not gcc
        in.upstream(ctx, Keys.IMAGE_SHA512);
        in.value("library", p.libraryFileName() + " " + p.soname() + " " + p.arch().rpmName());
        // the provenance written beside the library
        in.upstream(ctx, Keys.KERNEL_SHA512).upstream(ctx, Keys.RELEASE_SHA512).upstream(ctx, Keys.TREE_STATE)
                .upstream(ctx, Keys.CONFIG_SHA512);
        if (p.variant() != org.krunpack.project.Variant.GENERIC) {
            LibkrunfwRelease rel = teeRelease(ctx);
            in.file("qboot", rel.qboot(p.variant())).file("initrd", rel.initrd(p.variant()));
        }
    }

    /** The release whose qboot and initrd a TEE variant carries (a usage error when there is none). */
    private static LibkrunfwRelease teeRelease(StepContext ctx) {
        Path dir = ctx.find(Keys.RELEASE_DIR);
        if (dir == null) {
            throw ctx.usage("variant " + ctx.project().variant().id() + " bundles the libkrunfw release's qboot"
                    + " firmware and initrd: set sources.release in the project file");
        }
        return LibkrunfwRelease.read(dir);
    }

    @Override
    public StepResult run(StepContext ctx) {
        Path qboot = null;
        Path initrd = null;
        if (ctx.project().variant() != org.krunpack.project.Variant.GENERIC) {
            LibkrunfwRelease rel = teeRelease(ctx);
            qboot = rel.qboot(ctx.project().variant());
            initrd = rel.initrd(ctx.project().variant());
        }
        BundleResult r = Bundler.bundle(BundleRequest.of(ctx.project(), ctx.get(Keys.IMAGE), ctx.workspace().root(),
                qboot, initrd));
        ctx.put(Keys.LIBRARY, r.library());
        ctx.put(Keys.LIBRARY_SHA512, r.sha512());
        writeProvenance(ctx, r);
        return r;
    }

    /**
     * {@code out/provenance.json}: what the library was built from — the sources and their digests,
     * the kernel it was built on and whether that is a rebase of the release, every patch with its
     * digest and the decision about it, the config, the compiler and the build environment.
     */
    static void writeProvenance(StepContext ctx, BundleResult r) {
        Project p = ctx.project();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("library", Map.of("file", r.library().getFileName().toString(), "sha512", r.sha512()));
        doc.put("kernel", Map.of("version", ctx.get(Keys.KERNEL_VERSION),
                "tarball", ctx.get(Keys.KERNEL_TARBALL).getFileName().toString(),
                "sha512", ctx.get(Keys.KERNEL_SHA512)));
        Path releaseDir = ctx.find(Keys.RELEASE_DIR);
        if (releaseDir != null) {
            LibkrunfwRelease rel = LibkrunfwRelease.read(releaseDir);
            Map<String, Object> release = new LinkedHashMap<>();
            release.put("version", rel.fullVersion());
            release.put("sha512", ctx.find(Keys.RELEASE_SHA512));
            release.put("kernel", rel.kernelVersion());
            release.put("rebase", !KernelTree.sameVersion(rel.kernelVersion(), ctx.get(Keys.KERNEL_VERSION)));
            doc.put("release", release);
        }
        PatchSeries series = Series.plan(ctx);
        List<Map<String, Object>> patches = new ArrayList<>();
        for (Patch patch : series.patches()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", patch.name());
            m.put("origin", patch.origin().name().toLowerCase(java.util.Locale.ROOT));
            m.put("sha512", Digests.sha512(patch.file()));
            Decision d = series.decisionFor(patch);
            if (d != null) {
                m.put("decision", d.action() + ": " + d.reason());
            }
            patches.add(m);
        }
        for (Decision d : series.excluded()) {
            patches.add(Map.of("name", d.patch(), "decision", "exclude: " + d.reason()));
        }
        doc.put("patches", patches);
        doc.put("config", Map.of("sha512", ctx.get(Keys.CONFIG_SHA512), "from",
                p.config().fromRelease() ? "the release's config" : p.config().full() != null
                        ? p.config().full().toString() : "fragments " + p.config().fragments().stream()
                        .map(f -> f.getFileName().toString()).toList()));
        doc.put("compiler", ConfigStep.toolchain(ctx).identity());
        doc.put("environment", KernelBuild.reproducibleEnv(p.sourceDateEpoch(), p.build().user(), p.build().host()));
        try {
            AtomicFiles.writeString(ctx.workspace().provenance(), JSON.writeValueAsString(doc) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the provenance", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
}
