package org.krunpack.cli;

import org.krunpack.core.KrunpackException;
import org.krunpack.packaging.PackagingResult;
import org.krunpack.packaging.RpmSources;
import org.krunpack.project.PackagingConfig;
import org.krunpack.project.Project;
import org.krunpack.specgen.PackageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code krunpack rpm-sources [PACKAGE...] [--spec FILE] [--fetch]}: the Source files of the specs, in one folder. */
@Command(name = "rpm-sources", mixinStandardHelpOptions = true,
        description = {"Check, and with --fetch bring, the Source files of the packaging model's packages into one",
                "folder: downloads each Source URL (or from --mirror), makes libkrun's crate vendor tarball with",
                "'cargo vendor' from its release, copies Sources kept next to the specs; every file is checked",
                "against the model's SHA-512. COPR's make_srpm and Packit's create-archive run it."})
public final class RpmSourcesCommand extends BaseCommand {
    @Parameters(paramLabel = "PACKAGE", arity = "0..*", description = "Packages (default: all).")
    List<String> packages = List.of();

    @Option(names = "--spec", paramLabel = "FILE", description = "The package of this spec (NAME.spec).")
    Path specFile;

    @Option(names = "--source-dir", paramLabel = "DIR",
            description = "The folder (default: <out>/rpm-sources).")
    Path sourceDir;

    @Option(names = "--fetch", description = "Download or make what is missing (COPR's SRPM step has network).")
    boolean fetch;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Fetch https://HOST/PATH from URL/HOST/PATH instead (default: env " + RpmSources.MIRROR_ENV
                    + ").")
    URI mirror;

    @Option(names = "--print", paramLabel = "WHAT",
            description = "Print only this on stdout, the report on stderr: version (the package's), or source0"
                    + " (the path of Source0; Packit's create-archive takes the last line).")
    String print;

    @Override
    public Integer call() {
        Project project = project();
        PackagingConfig cfg = org.krunpack.packaging.ProjectPackaging.config(project);
        List<String> selected = new ArrayList<>(packages);
        PackageModel spec = null;
        if (specFile != null) {
            spec = RpmSources.packageOfSpec(cfg, specFile);
            selected.add(spec.name());
        }
        if (print != null && !List.of("version", "source0").contains(print)) {
            throw KrunpackException.usage("--print: '" + print + "' is not version or source0");
        }
        if (print != null && spec == null) {
            throw KrunpackException.usage("--print goes with --spec (one package)");
        }
        Path dir = sourceDir != null ? sourceDir : outDir.resolve("rpm-sources");
        PrintWriter out = spec != null && print != null ? spec().commandLine().getOut() : null;
        if (out != null && "version".equals(print)) {
            out.println(spec.version());
            out.flush();
            return 0;
        }
        PrintWriter log = out != null ? spec().commandLine().getErr() : log();
        PackagingResult r = RpmSources.run(cfg, new RpmSources.Request(selected, dir, fetch, mirror(mirror),
                project.sourceDateEpoch(), Map.of()), log);
        if (out != null) {
            r.summary().forEach(log::println);
            log.flush();
            out.println(RpmSources.source0(spec, dir));
            out.flush();
            return 0;
        }
        return report(r);
    }

    private picocli.CommandLine.Model.CommandSpec spec() {
        return spec;
    }

    /** {@code --mirror}, else the environment's. */
    static URI mirror(URI option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv(RpmSources.MIRROR_ENV);
        return env == null || env.isBlank() ? null : URI.create(env.strip());
    }
}
