package org.krunpack.cli;

import org.krunpack.project.PackagingConfig;
import org.krunpack.core.Artifact;
import org.krunpack.core.KrunpackException;
import org.krunpack.specgen.Profile;
import org.krunpack.specgen.SpecGenerator;
import org.krunpack.packaging.PackagingResult;
import org.krunpack.packaging.Specs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code krunpack spec}: the packaging model → rpm/*.spec, rpm/*.sources. */
@Command(name = "spec", mixinStandardHelpOptions = true, subcommands = {SpecImportCommand.class, SpecCratesCommand.class},
        description = {"Generate rpm/<name>.spec and rpm/<name>.sources for libkrunfw, libkrun and crun from",
                "the packaging model (packaging.model in krunpack.yaml; see docs/specs.md).",
                "With --out DIR the files go into DIR only and the spec folder (rpm/) is left alone."})
public final class SpecCommand extends BaseCommand {
    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "Template profile: strict (default: packaging.profile) or dist-git.")
    String profile;

    @Option(names = "--templates", paramLabel = "DIR",
            description = "Folder whose templates override the defaults file by file (default: packaging.templates).")
    Path templates;

    @Option(names = "--eject", paramLabel = "DIR",
            description = "Write the default templates into DIR for editing, and do nothing else.")
    Path eject;

    @Option(names = "--check",
            description = "Write nothing; exit 1 when the files in the spec folder (or --out DIR) differ from the generator's.")
    boolean check;

    @Override
    public Integer call() {
        if (eject != null) {
            List<Path> written = SpecGenerator.eject(eject);
            return report(new PackagingResult("spec-eject", true,
                    written.stream().map(p -> new Artifact("template:" + eject.relativize(p), p)).toList(),
                    List.of(written.size() + " templates written to " + eject + "; point packaging.templates (or"
                            + " --templates) at it and edit"), Map.of("dir", eject.toString())));
        }
        PackagingConfig cfg = org.krunpack.packaging.ProjectPackaging.config(project());
        cfg = withProfile(cfg, profile);
        if (templates != null) {
            cfg = cfg.withTemplates(templates);
        }
        if (outGiven()) {
            // a scratch copy: everything goes to --out, nothing to the checked-in spec folder
            cfg = cfg.withSpecDir(outDir.toAbsolutePath().normalize());
        }
        if (check) {
            List<String> drift = Specs.drift(cfg);
            return report(new PackagingResult("spec-check", drift.isEmpty(), List.of(),
                    drift.isEmpty() ? List.of("up to date: " + cfg.specDir())
                            : List.of("out of date: " + String.join(", ", drift), "regenerate: ./krunpack spec"),
                    Map.of("drift", drift)));
        }
        return report(Specs.generate(cfg));
    }

    /** {@code cfg} with the profile {@code --profile} names, or as it is when none is given. */
    static PackagingConfig withProfile(PackagingConfig cfg, String profile) {
        return profile == null ? cfg : cfg.withProfile(Profile.parse(profile).orElseThrow(() ->
                KrunpackException.usage("--profile: '" + profile + "' is not one of strict, dist-git")));
    }

    /** Whether {@code --out} was given on the command line (its default, out/, is not a spec folder). */
    private boolean outGiven() {
        var parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption("--out");
    }
}
