package org.krunpack.cli;

import org.krunpack.project.CoprSettings;
import org.krunpack.copr.BuildSubmitter;
import org.krunpack.copr.BuildWatcher;
import org.krunpack.copr.CoprClient;
import org.krunpack.copr.CoprConfig;
import org.krunpack.copr.CoprHttp;
import org.krunpack.copr.PackitConfig;
import org.krunpack.copr.ProjectSetup;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Progress;
import org.krunpack.project.Project;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code krunpack copr}: set up the COPR project, submit the chained builds, follow them. */
@Command(name = "copr", mixinStandardHelpOptions = true,
        description = {"Drive COPR (API v3): project set-up, chained builds libkrunfw -> libkrun -> crun, watching.",
                "Credentials: the copr-cli INI file (~/.config/copr, or env " + CoprConfig.ENV
                        + ", or copr.config in krunpack.yaml, or --copr-config)."},
        subcommands = {CoprCommand.Setup.class, CoprCommand.Build.class, CoprCommand.Watch.class,
                CoprCommand.Cancel.class, CoprCommand.Packit.class})
public final class CoprCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: setup, build, watch, cancel or packit");
    }

    /** Converts "500ms", "30s", "5m", "4h" or a plain number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern P = Pattern.compile("([0-9]+)(ms|s|m|min|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = P.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a duration like 500ms, 30s, 5m or 4h");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    /** Options every copr subcommand shares. */
    abstract static class Base extends BaseCommand {
        @Option(names = "--copr-config", paramLabel = "FILE",
                description = "The copr-cli INI file (default: env " + CoprConfig.ENV
                        + ", then copr.config in the project file, then ~/.config/copr).")
        Path coprConfigOption;

        @Option(names = "--debug", description = "Log every request and answer status (credentials masked).")
        boolean debug;

        @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
                description = "Retries after a 5xx answer or a network failure (default: ${DEFAULT-VALUE}).")
        int retries;

        @Option(names = "--retry-delay", paramLabel = "DURATION", defaultValue = "2s",
                converter = DurationConverter.class,
                description = "First delay before a retry, doubled each time (default: ${DEFAULT-VALUE}).")
        Duration retryDelay;

        @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "60s",
                converter = DurationConverter.class,
                description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
        Duration requestTimeout;

        @Option(names = "--upload-timeout", paramLabel = "DURATION", defaultValue = "30m",
                converter = DurationConverter.class,
                description = "How long to wait for the answer to an SRPM upload (default: ${DEFAULT-VALUE}).")
        Duration uploadTimeout;

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** The copr: section of the project file. */
        CoprSettings settings(Project p) {
            if (p.copr() == null) {
                throw KrunpackException.usage(p.file() + ": copr: section missing: add owner, project and chroots"
                        + " (see docs/copr.md)");
            }
            return p.copr();
        }

        /** copr.config from the project file, when there is one (watch and cancel need no project). */
        Path configFromProject() {
            if (!Files.isRegularFile(configFile)) {
                return null;
            }
            Project p = project();
            return p.copr() != null ? p.copr().config() : null;
        }

        /** The credentials; in a dry run a missing file is only a warning. */
        CoprConfig config(Path fromProject, boolean dryRun) {
            Path file = CoprConfig.locate(coprConfigOption, System.getenv(), fromProject,
                    Path.of(System.getProperty("user.home")));
            if (dryRun && !Files.isRegularFile(file)) {
                err().println("krunpack: warning: " + file + " not found; showing requests without a login");
                err().flush();
                return null;
            }
            CoprConfig c = CoprConfig.load(file);
            c.warnings().forEach(w -> err().println("krunpack: warning: " + w));
            err().flush();
            return c;
        }

        CoprClient client(CoprConfig c, boolean dryRun) {
            if (dryRun) {
                return new CoprClient(CoprHttp.dryRun(c, log()));
            }
            CoprHttp.Options o = new CoprHttp.Options(retries, retryDelay, requestTimeout, uploadTimeout, debug);
            return new CoprClient(CoprHttp.live(c, o, err(), null));
        }

        void checkRetries() {
            if (retries < 0 || retries > 20) {
                throw KrunpackException.usage("--retries: " + retries + " is not 0..20");
            }
        }
    }

    @Command(name = "setup", mixinStandardHelpOptions = true, description = {"Create or update the COPR project from the copr: section of krunpack.yaml.",
            "Prints 'field: old -> new' for each change; changes nothing when nothing differs."})
    static final class Setup extends Base {
        @Option(names = "--dry-run", description = "Print the requests (token masked) and send nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            checkRetries();
            Project p = project();
            CoprSettings s = settings(p);
            CoprConfig c = config(s.config(), dryRun);
            return report(ProjectSetup.run(client(c, dryRun), s, log()));
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true, description = {"Submit the chain libkrunfw -> libkrun -> crun (each after the previous"
            + " one: after_build_id).", "Uploads SRPMs (default: the *.src.rpm in --srpm-dir), or with --scm lets"
            + " COPR make them from git (make_srpm method, .copr/Makefile)."})
    static final class Build extends Base {
        @Parameters(paramLabel = "SRPM", arity = "0..*", description = "SRPM files (default: all in --srpm-dir).")
        List<Path> srpms = new ArrayList<>();

        @Option(names = "--srpm-dir", paramLabel = "DIR",
                description = "Where to find SRPMs when none are named (default: the --out directory).")
        Path srpmDir;

        @Option(names = "--scm", description = "Build from git with the make_srpm method (copr.scm in krunpack.yaml).")
        boolean scm;

        @Option(names = "--committish", paramLabel = "REF", description = "With --scm: branch, tag or commit"
                + " (default: copr.scm.committish).")
        String committish;

        @Option(names = "--spec-dir", paramLabel = "DIR", defaultValue = "rpm",
                description = "With --scm: the specs' directory in the repository (default: ${DEFAULT-VALUE}).")
        String specDir;

        @Option(names = "--after", paramLabel = "BUILD_ID",
                description = "Make the first build wait for this build too.")
        Long after;

        @Option(names = "--dry-run", description = "Print the requests (token masked) and send nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            checkRetries();
            Project p = project();
            CoprSettings s = settings(p);
            if (scm && !srpms.isEmpty()) {
                throw KrunpackException.usage("--scm builds from git: do not name SRPM files too");
            }
            if (scm && s.scm() == null) {
                throw KrunpackException.usage(p.file() + ": copr.scm: required for --scm (clone_url, committish,"
                        + " subdirectory; see docs/copr.md)");
            }
            List<Path> files = srpms;
            if (!scm && files.isEmpty()) {
                files = findSrpms(srpmDir != null ? srpmDir : outDir);
            }
            CoprConfig c = config(s.config(), dryRun);
            CoprClient client = client(c, dryRun);
            String user = c == null ? null : c.username();
            Path recordDir = outDir.resolve("copr");
            BuildSubmitter.Result r;
            if (scm) {
                CoprSettings.Scm src = committish == null ? s.scm()
                        : new CoprSettings.Scm(s.scm().cloneUrl(), committish, s.scm().subdirectory());
                r = BuildSubmitter.scm(client, s, src, specDir, after, user, () -> System.currentTimeMillis() / 1000,
                        recordDir, log());
            } else {
                r = BuildSubmitter.upload(client, s, files, after, user, () -> System.currentTimeMillis() / 1000,
                        recordDir, log());
            }
            return report(r);
        }

        private static List<Path> findSrpms(Path dir) {
            List<Path> out = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return out;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.src.rpm")) {
                ds.forEach(out::add);
            } catch (IOException e) {
                throw KrunpackException.usage("cannot list " + dir + ": " + e.getMessage());
            }
            out.sort(null);
            return out;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, description = {"Follow builds until they finish or --timeout passes: per package and"
            + " chroot the state and the log URL.", "Exit 0: all succeeded; 1: a build failed in some chroot;"
            + " 3: service or network failure, unknown state, or timeout."})
    static final class Watch extends Base {
        @Parameters(paramLabel = "BUILD_ID", arity = "0..*",
                description = "Builds to follow (default: those of the last 'copr build', from OUT/copr/builds.json).")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "6h", converter = DurationConverter.class,
                description = "Stop waiting after this long (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s",
                converter = DurationConverter.class, description = "Time between polls (default: ${DEFAULT-VALUE}).")
        Duration interval;

        @Override
        public Integer call() {
            checkRetries();
            List<Long> which = ids.isEmpty() ? BuildSubmitter.recorded(outDir.resolve("copr")) : ids;
            CoprConfig c = config(configFromProject(), false);
            boolean terminal = !json() && Progress.isTerminal();
            BuildWatcher.Result r = BuildWatcher.watch(client(c, false), which,
                    new BuildWatcher.Options(timeout, interval, terminal), log(), d -> Thread.sleep(d.toMillis()),
                    System::nanoTime);
            if (r.exitCode() == ExitCode.EXTERNAL.code()) {
                PrintWriter log = log();
                r.summary().forEach(log::println);
                log.flush();
                throw new KrunpackException(ExitCode.EXTERNAL, "copr watch: " + String.join("; ", r.problems()),
                        r.problems(), null);
            }
            return report(r);
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel builds.")
    static final class Cancel extends Base {
        @Parameters(paramLabel = "BUILD_ID", arity = "1..*", description = "Builds to cancel.")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--dry-run", description = "Print the requests (token masked) and send nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            checkRetries();
            CoprConfig c = config(configFromProject(), dryRun);
            CoprClient client = client(c, dryRun);
            List<String> lines = new ArrayList<>();
            for (long id : ids) {
                if (dryRun) {
                    log().print(client.http().describe(CoprClient.cancelRequest(id)));
                    lines.add("#" + id + ": dry run, nothing sent");
                } else {
                    lines.add("#" + id + ": " + client.cancel(id).state());
                }
            }
            log().flush();
            return report(new PackitConfig.Simple("copr cancel", lines));
        }
    }

    @Command(name = "packit", mixinStandardHelpOptions = true, description = {"Write a .packit.yaml that lets Packit build the chain in COPR.",
            "Packit only manipulates Source0: libkrunfw's kernel tarball (Source1) is fetched by the make_srpm step."})
    static final class Packit extends Base {
        @Option(names = "--output", paramLabel = "FILE", defaultValue = ".packit.yaml",
                description = "Where to write it (default: ${DEFAULT-VALUE}).")
        Path output;

        @Override
        public Integer call() {
            Project p = project();
            CoprSettings s = settings(p);
            return report(PackitConfig.write(s, output));
        }
    }
}
