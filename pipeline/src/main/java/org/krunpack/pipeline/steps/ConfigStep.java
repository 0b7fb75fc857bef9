package org.krunpack.pipeline.steps;

import org.krunpack.core.StepResult;
import org.krunpack.kbuild.Toolchain;
import org.krunpack.kconfig.ConfigInput;
import org.krunpack.kconfig.ConfigReport;
import org.krunpack.kconfig.KernelConfig;
import org.krunpack.patches.Patch;
import org.krunpack.pipeline.Inputs;
import org.krunpack.pipeline.Keys;
import org.krunpack.pipeline.Step;
import org.krunpack.pipeline.StepContext;
import org.krunpack.project.Project;
import org.krunpack.release.LibkrunfwRelease;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves the config (our fragments, a full config, or the release's) with the patched tree's
 * Kconfig, out of tree, and verifies it; warns about the options the applied patches add that end
 * up off; with --accept writes the resolved config as the new full config.
 */
public final class ConfigStep implements Step {
    @Override
    public String name() {
        return "config";
    }

    /** The config input the project file asks for. */
    static ConfigInput input(StepContext ctx) {
        Project.Config c = ctx.project().config();
        if (c.full() != null) {
            return ConfigInput.full(c.full(), c.exempt());
        }
        if (c.fromRelease()) {
            return ConfigInput.full(LibkrunfwRelease.read(ctx.get(Keys.RELEASE_DIR))
                    .config(ctx.project().arch(), ctx.project().variant()), c.exempt());
        }
        return ConfigInput.fragments(c.fragments(), c.strict() || ctx.options().strictConfig());
    }

    static Toolchain toolchain(StepContext ctx) {
        Project p = ctx.project();
        return Toolchain.find(p.arch(), p.build().crossCompile(), p.build().ccache());
    }

    @Override
    public void inputs(StepContext ctx, Inputs in) {
        Project p = ctx.project();
        in.value("step", 1);
        in.upstream(ctx, Keys.TREE).upstream(ctx, Keys.TREE_STATE);
        in.value("arch", p.arch().rpmName()).value("variant", p.variant().id());
        ConfigInput input = input(ctx);
        if (input instanceof ConfigInput.Fragments f) {
            in.files("fragments", f.files()).value("strict", f.strict());
        } else {
            in.file("full config", ((ConfigInput.Full) input).file());
            ((ConfigInput.Full) input).exempt().forEach((k, v) -> in.value("exempt " + k, v));
        }
        in.value("compiler", toolchain(ctx).identity());
        Series.inputs(ctx, in);
        if (ctx.options().acceptConfig()) {
            in.uncacheable("--accept");
        }
    }

    @Override
    public StepResult run(StepContext ctx) {
        Project p = ctx.project();
        Toolchain tc = toolchain(ctx);
        Map<String, String> added = new LinkedHashMap<>();
        for (Patch patch : Series.plan(ctx).patches()) {
            for (String sym : patch.addedKconfigSymbols()) {
                added.putIfAbsent(sym, patch.name());
            }
        }
        Path acceptTo = null;
        if (ctx.options().acceptConfig()) {
            acceptTo = ctx.options().acceptTarget() != null ? ctx.options().acceptTarget() : p.config().full();
            if (acceptTo == null) {
                throw ctx.usage("config --accept needs a file to write: set config.full (then the resolved config"
                        + " replaces it) or pass --accept-to FILE");
            }
        }
        ConfigReport r = KernelConfig.run(new KernelConfig.Request(ctx.get(Keys.TREE),
                ctx.workspace().buildDir(p.arch(), p.variant()), p.arch(), tc.makeArgs(), input(ctx),
                ctx.workspace().configDir(), added, acceptTo));
        if (r.ok()) {
            Path config = ctx.workspace().configDir().resolve("config");
            ctx.put(Keys.CONFIG, config);
            ctx.put(Keys.CONFIG_SHA512, ctx.digests().sha512(config));
        }
        return r;
    }
}
