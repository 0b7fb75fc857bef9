package org.krunpack.cli;

import org.krunpack.pipeline.Workspace;
import org.krunpack.project.CoprSettings;
import org.krunpack.copr.BuildChain;
import org.krunpack.copr.BuildWatcher;
import org.krunpack.copr.CoprClient;
import org.krunpack.copr.CoprConfig;
import org.krunpack.copr.CoprHttp;
import org.krunpack.copr.PackitConfig;
import org.krunpack.copr.ProjectSetup;
import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import org.krunpack.core.Progress;
import org.krunpack.core.StepResult;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** How long to follow builds and how often to look ({@code build} and {@code watch}). */
    static final class Follow {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "6h", converter = DurationConverter.class,
                description = "Stop following after this long (default: ${DEFAULT-VALUE}); 'copr watch' goes on.")
        Duration timeout;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s",
                converter = DurationConverter.class, description = "Time between polls (default: ${DEFAULT-VALUE}).")
        Duration interval;
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

        /**
         * Reports an outcome with its own exit code: 0 and 1 as every command does; 3 (the service,
         * the network, a state not understood, the timeout) with the same report and, for
         * {@code --format json}, one document whose exitCode is 3.
         */
        int finish(StepResult r, int code) {
            if (code != ExitCode.EXTERNAL.code()) {
                return report(r);
            }
            if (json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("command", spec.qualifiedName(" ").replaceFirst("^krunpack ", ""));
                doc.put("result", "error");
                doc.put("exitCode", code);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("step", r.step());
                step.put("ok", false);
                step.put("summary", r.summary());
                step.put("details", r.details());
                doc.put("steps", List.of(step));
                spec.commandLine().getOut().println(Json.write(doc));
                spec.commandLine().getOut().flush();
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.println("[FAIL] " + r.step());
                r.summary().forEach(l -> out.println("       " + l));
                out.flush();
            }
            err().println("krunpack: " + r.step() + ": " + r.summary().get(r.summary().size() - 1));
            err().flush();
            return code;
        }

        /** How long to follow builds, and how often to look. */
        BuildWatcher.Options watchOptions(Follow f) {
            if (f.interval.isZero() || f.interval.isNegative()) {
                throw KrunpackException.usage("--interval: must be more than 0");
            }
            return new BuildWatcher.Options(f.timeout, f.interval, !json() && Progress.isTerminal());
        }

        /** The run of a chain: real clocks, the record in OUT/copr. */
        BuildChain.Run chainRun(boolean detach, BuildWatcher.Options w, String step) {
            return new BuildChain.Run(detach, w, d -> Thread.sleep(d.toMillis()), System::nanoTime,
                    () -> System.currentTimeMillis() / 1000, Workspace.layout(outDir).coprDir(), step);
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

    @Command(name = "build", mixinStandardHelpOptions = true, description = {
            "Build the chain libkrunfw -> libkrun -> crun in COPR, one level at a time: a level is submitted only"
                    + " after the one before it succeeded in every chroot; a failure stops the chain.",
            "Uploads SRPMs (default: the *.src.rpm in --srpm-dir), or with --scm lets COPR make them from git"
                    + " (make_srpm method, .copr/Makefile).",
            "Follows the builds until the chain is done (--detach: submit the first level and return; 'krunpack"
                    + " copr watch' goes on with the chain).",
            "Exit 0: every build succeeded; 1: a build failed (the report names it, its chroot, its log, and what"
                    + " was not submitted); 3: service, network, unknown state or --timeout."})
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
                description = "Start the chain only after this build succeeded in every chroot.")
        Long after;

        @Option(names = "--dry-run", description = "Print every request of the chain (token masked) and send nothing.")
        boolean dryRun;

        @Option(names = "--detach", description = "Submit the first level and return; 'krunpack copr watch' goes on.")
        boolean detach;

        @CommandLine.Mixin
        Follow follow;

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
            if (!scm && committish != null) {
                throw KrunpackException.usage("--committish goes with --scm");
            }
            BuildWatcher.Options w = watchOptions(follow);
            BuildChain.Plan plan;
            if (scm) {
                CoprSettings.Scm src = committish == null ? s.scm()
                        : new CoprSettings.Scm(s.scm().cloneUrl(), committish, s.scm().subdirectory());
                plan = BuildChain.scm(s, src, specDir, after);
            } else {
                List<Path> files = srpms.isEmpty() ? findSrpms(srpmDir != null ? srpmDir : outDir) : srpms;
                plan = BuildChain.upload(s, files, after);
            }
            CoprConfig c = config(s.config(), dryRun);
            CoprClient client = client(c, dryRun);
            if (dryRun) {
                return report(BuildChain.dryRun(client, plan, follow.interval, log()));
            }
            BuildChain.Result r = BuildChain.start(client, plan, chainRun(detach, w, "copr build"), log());
            return finish(r, r.exitCode());
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

    @Command(name = "watch", mixinStandardHelpOptions = true, description = {"Follow builds until they finish or --timeout"
            + " passes: per package and chroot the state and the log URL.",
            "Without BUILD_ID: the chain of the last 'copr build' (OUT/copr/builds.json), going on with it: the next"
                    + " level is submitted once the one before it succeeded in every chroot.",
            "Exit 0: all succeeded; 1: a build failed in some chroot (or its SRPM build); 3: service or network"
                    + " failure, unknown state, or timeout."})
    static final class Watch extends Base {
        @Parameters(paramLabel = "BUILD_ID", arity = "0..*",
                description = "Builds to follow (default: the chain of the last 'copr build', from OUT/copr/builds.json).")
        List<Long> ids = new ArrayList<>();

        @CommandLine.Mixin
        Follow follow;

        @Override
        public Integer call() {
            checkRetries();
            BuildWatcher.Options w = watchOptions(follow);
            if (ids.isEmpty()) {
                BuildChain.Plan plan = BuildChain.read(Workspace.layout(outDir).coprDir());
                CoprConfig c = config(configFromProject(), false);
                BuildChain.Result r = BuildChain.resume(client(c, false), plan, chainRun(false, w, "copr watch"),
                        log());
                return finish(r, r.exitCode());
            }
            CoprConfig c = config(configFromProject(), false);
            BuildWatcher.Result r = BuildWatcher.watch(client(c, false), ids, w, log(),
                    d -> Thread.sleep(d.toMillis()), System::nanoTime);
            return finish(r, r.exitCode());
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
                    log().flush();
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
