package org.krunpack.pipeline.steps;

import org.krunpack.patches.PatchSeries;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;
import org.krunpack.release.LibkrunfwRelease;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The patch series of a run: the release's patches with the project's decisions, then ours. */
final class Series {
    private Series() {
    }

    /** The release's patches for the project's variant (empty without a release or with fromRelease off). */
    static List<Path> releasePatches(StepContext ctx) {
        Path dir = ctx.find(Keys.RELEASE_DIR);
        if (dir == null || !ctx.project().patches().fromRelease()) {
            return List.of();
        }
        return LibkrunfwRelease.read(dir).patches(ctx.project().variant());
    }

    static PatchSeries plan(StepContext ctx) {
        Project p = ctx.project();
        List<PatchSeries.Wanted> wanted = new ArrayList<>();
        for (Project.PatchDecision d : p.patches().decisions()) {
            wanted.add(new PatchSeries.Wanted(d.where(), d.patch(), d.action().id(), d.replacement(), d.sha512(),
                    d.fuzz(), d.reason()));
        }
        return PatchSeries.plan(releasePatches(ctx), wanted, p.patches().series(), p.patches().fuzz(),
                p.file().toString());
    }

    /** Declares the series' inputs: every patch file by content, the decisions and the fuzz. */
    static void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.files("release patches", releasePatches(ctx));
        in.file("series file", p.patches().series());
        if (p.patches().series() != null) {
            in.files("our patches", ourPatches(p.patches().series()));
        }
        in.value("fuzz", p.patches().fuzz());
        for (Project.PatchDecision d : p.patches().decisions()) {
            in.value("decision " + d.patch(), d.action().id() + " " + d.fuzz() + " " + d.reason());
            if (d.replacement() != null) {
                in.file("replacement " + d.patch(), d.replacement());
            }
        }
    }

    /** The files our series file names (missing ones are reported by the plan). */
    private static List<Path> ourPatches(Path seriesFile) {
        List<Path> out = new ArrayList<>();
        try {
            String text = org.krunpack.core.Inputs.readText(seriesFile, org.krunpack.core.Inputs.TEXT_LIMIT,
                    "patches.series");
            for (String line : text.split("\n")) {
                int hash = line.indexOf('#');
                String e = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!e.isEmpty() && !e.contains(" ")) {
                    out.add(seriesFile.toAbsolutePath().getParent().resolve(e).normalize());
                }
            }
        } catch (RuntimeException e) {
            // the plan reports an unreadable series file
        }
        return out;
    }
}
