package org.krunpack.pipeline.steps;

import org.krunpack.core.Artifact;
import org.krunpack.core.StepResult;
import org.krunpack.patches.GitSeries;
import org.krunpack.patches.PatchSeries;
import org.krunpack.patches.TreePatcher;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The git side of the rebase workflow: {@code export} puts the series on a git repository (one
 * commit per patch over the pristine files it touches); {@code import} turns the repository's
 * commits back into refreshed patch files and prints the decisions to add to the project file.
 */
public final class PatchesGitStep implements Step {
    /** Export or import. */
    public enum Mode { EXPORT, IMPORT }

    private final Mode mode;
    private final Path repo;
    private final Path importTo;

    /**
     * @param repo     the repository (null: out/patches/git)
     * @param importTo where imported patches go (null: out/patches/refreshed)
     */
    public PatchesGitStep(Mode mode, Path repo, Path importTo) {
        this.mode = mode;
        this.repo = repo;
        this.importTo = importTo;
    }

    @Override
    public String name() {
        return mode == Mode.EXPORT ? "patches-export" : "patches-import";
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        in.uncacheable("it works on a git repository a maintainer edits");
    }

    private Path repo(StepContext ctx) {
        return repo != null ? repo.toAbsolutePath().normalize() : ctx.workspace().patchesGitDir();
    }

    @Override
    public StepResult run(StepContext ctx) {
        String version = ctx.get(Keys.KERNEL_VERSION);
        if (mode == Mode.EXPORT) {
            PatchSeries series = Series.plan(ctx);
            GitSeries.Exported e = GitSeries.export(series, TreePatcher.pristineView(ctx.get(Keys.TREE)), version,
                    repo(ctx));
            return new Exported(e, series.patches().size());
        }
        Path to = importTo != null ? importTo.toAbsolutePath().normalize() : ctx.workspace().patchesImportDir();
        List<GitSeries.Imported> imported = GitSeries.importSeries(repo(ctx), to, version);
        return new Imported(imported, GitSeries.dropped(repo(ctx), imported), to,
                GitSeries.decisionsYaml(imported, version, ctx.project().baseDir()));
    }

    record Exported(GitSeries.Exported e, int total) implements StepResult {
        @Override
        public String step() {
            return "patches-export";
        }

        @Override
        public boolean ok() {
            return true; // a patch that does not apply is where the maintainer's work starts
        }

        @Override
        public List<Artifact> artifacts() {
            return List.of(new Artifact("patches-git", e.repo()));
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            s.add("git repository " + e.repo() + ": the " + e.files() + " pristine files the series touches (tag "
                    + "krunpack/base), then " + e.applied().size() + " of " + total + " patches as commits");
            if (e.stoppedAt() != null) {
                s.add("git am stopped at " + e.stoppedAt() + ": it does not apply; its rejected hunks are in .rej"
                        + " files next to the files they belong to.");
                s.add("Refresh it there: edit, 'git add' the files, 'git am --continue' (the later patches follow);"
                        + " then 'krunpack patches import'.");
                for (String l : e.message().split("\n")) {
                    if (l.startsWith("error:") || l.startsWith("Applying") || l.contains("Rejected hunk")) {
                        s.add("  " + l);
                    }
                }
            } else {
                s.add("every patch applied; rework the series with git (rebase -i, commit --amend, mergetool),"
                        + " then 'krunpack patches import'");
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repository", e.repo().toString());
            m.put("files", e.files());
            m.put("applied", e.applied());
            m.put("stoppedAt", e.stoppedAt());
            m.put("gitAm", e.message());
            return m;
        }
    }

    record Imported(List<GitSeries.Imported> patches, List<String> dropped, Path dir, String decisions)
            implements StepResult {
        @Override
        public String step() {
            return "patches-import";
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public List<Artifact> artifacts() {
            return List.of(new Artifact("refreshed-patches", dir));
        }

        @Override
        public List<String> summary() {
            List<String> s = new ArrayList<>();
            long changed = patches.stream().filter(p -> p.original() != null && p.changed()).count();
            long added = patches.stream().filter(p -> p.original() == null).count();
            s.add(patches.size() + " commits written to " + dir + ": " + changed + " refreshed, "
                    + (patches.size() - changed - added) + " unchanged, " + added + " new");
            for (GitSeries.Imported p : patches) {
                if (p.original() == null) {
                    s.add("new: " + p.name() + " (not in the series: add it to your patches/series with an"
                            + " Upstream-Status line)");
                } else if (p.changed()) {
                    s.add("refreshed: " + p.name());
                }
            }
            for (String d : dropped) {
                s.add("dropped: " + d + " (no commit stands for it: add an exclude decision with its reason)");
            }
            if (!decisions.isEmpty()) {
                s.add("add to patches.release in the project file:");
                for (String l : decisions.split("\n")) {
                    s.add(l);
                }
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> list = new ArrayList<>();
            for (GitSeries.Imported p : patches) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", p.name());
                e.put("file", p.file().toString());
                e.put("original", p.original() == null ? null : p.original().toString());
                e.put("changed", p.changed());
                list.add(e);
            }
            m.put("patches", list);
            m.put("dropped", dropped);
            m.put("decisions", decisions);
            return m;
        }
    }
}
