package org.krunpack.cli;

import org.krunpack.core.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The krunpack command line: a thin face over the library API (one facade per stage).
 *
 * <p>The subcommands are listed in {@link #SUBCOMMANDS} and made by {@link #subcommand}, not in
 * the {@code @Command} annotation: picocli builds a command's model by reflection over all its
 * options when it is added, and doing that for every command costs a run more than a bundle does.
 * A run builds only the subcommand its first argument names ({@link #execute}); help, an unknown
 * name or no name gets all of them.
 */
@Command(name = "krunpack",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Package the krun stack (libkrunfw, libkrun, crun-krun) for Fedora.",
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  ok",
                "  1  a check failed (patch hunk, dropped option, review MUST, smoke probe, ...)",
                "  2  usage or configuration error (fix the named file, field or option)",
                "  3  an external tool or service failed (make, gcc, rpmbuild, qemu, COPR, network)",
                "  4  unexpected error in krunpack: please report it"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        // Ctrl-C and SIGTERM: stop child process groups, remove temporaries, say what stopped, exit 130.
        List<String> a = List.of(args);
        boolean json = a.contains("--format=json") || a.indexOf("--format") >= 0
                && a.indexOf("--format") + 1 < a.size() && a.get(a.indexOf("--format") + 1).equals("json");
        String command = String.join(" ", a.stream().takeWhile(s -> !s.startsWith("-")).limit(2).toList());
        org.krunpack.core.Interrupts.install(System.err, System.out, command.isEmpty() ? null : command, !json ? null
                : message -> {
                    java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
                    doc.put("command", command);
                    doc.put("result", "interrupted");
                    doc.put("exitCode", org.krunpack.core.Interrupts.EXIT);
                    doc.put("error", message);
                    return Json.write(doc);
                });
        System.exit(execute(args));
    }

    /** The subcommands' names, in the order help lists them. */
    public static final List<String> SUBCOMMANDS = List.of("config", "patches", "build", "bundle", "verify-lib",
            "smoke", "pipeline", "spec", "bump", "rpm-sources", "srpm", "review", "copr", "help");

    /** A new instance of the subcommand {@code name} (one of {@link #SUBCOMMANDS}). */
    static Object subcommand(String name) {
        // A plain switch: only the named command's class is loaded.
        return switch (name) {
            case "config" -> new ConfigCommand();
            case "patches" -> new PatchesCommand();
            case "rpm-sources" -> new RpmSourcesCommand();
            case "build" -> new BuildCommand();
            case "bundle" -> new BundleCommand();
            case "verify-lib" -> new VerifyLibCommand();
            case "smoke" -> new SmokeCommand();
            case "pipeline" -> new PipelineCommand();
            case "spec" -> new SpecCommand();
            case "bump" -> new BumpCommand();
            case "srpm" -> new SrpmCommand();
            case "review" -> new ReviewCommand();
            case "copr" -> new CoprCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        return commandLineFor(args).execute(args);
    }

    /** The command line with every subcommand (for help, and for tests that drive it). */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The command line for running {@code args}: with only the subcommand the first argument names,
     * or with all of them when it names none (options, help, a typo picocli should explain).
     */
    public static CommandLine commandLineFor(String... args) {
        String first = args.length > 0 ? args[0] : "";
        if ("-V".equals(first) || "--version".equals(first)) {
            return commandLine(List.of());
        }
        return SUBCOMMANDS.contains(first) && !"help".equals(first) ? commandLine(List.of(first)) : commandLine();
    }

    private static CommandLine commandLine(List<String> names) {
        CommandLine cl = new CommandLine(new Main());
        for (String name : names) {
            cl.addSubcommand(name, subcommand(name));
        }
        unwrapDescriptions(cl);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("krunpack: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        return cl;
    }

    /**
     * Joins description lines that were wrapped by hand in the source (a line that does not end a
     * sentence continues on the next), so picocli wraps whole paragraphs to the terminal's width
     * instead of breaking them mid-sentence; for every command and subcommand.
     */
    static void unwrapDescriptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own, formatted with %n
            }
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            List<String> paragraphs = new ArrayList<>();
            StringBuilder p = new StringBuilder();
            for (String line : usage.description()) {
                if (p.length() > 0) {
                    p.append(' ');
                }
                p.append(line.strip());
                if (line.strip().matches(".*[.:!?]")) {
                    paragraphs.add(p.toString());
                    p.setLength(0);
                }
            }
            if (p.length() > 0) {
                paragraphs.add(p.toString());
            }
            usage.description(paragraphs.toArray(String[]::new));
            unwrapDescriptions(sub);
        }
    }

    /** The list of commands in help: each with its header or the first whole sentence of its description. */
    static String commandList(CommandLine.Help help) {
        if (help.subcommands().isEmpty()) {
            return "";
        }
        int nameWidth = help.subcommands().keySet().stream().mapToInt(String::length).max().orElse(0) + 4;
        int width = help.commandSpec().usageMessage().width();
        CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(help.colorScheme(),
                new CommandLine.Help.Column(nameWidth, 2, CommandLine.Help.Column.Overflow.SPAN),
                new CommandLine.Help.Column(width - nameWidth, 2, CommandLine.Help.Column.Overflow.WRAP));
        for (Map.Entry<String, CommandLine.Help> e : help.subcommands().entrySet()) {
            CommandLine.Model.UsageMessageSpec usage = e.getValue().commandSpec().usageMessage();
            String summary = usage.header().length > 0 ? usage.header()[0]
                    : firstSentence(String.join(" ", usage.description()));
            table.addRowValues(help.colorScheme().commandText(e.getKey()), help.colorScheme().text(summary));
        }
        return table.toString();
    }

    /** Text up to and including the first full stop that ends a sentence (". " or the end). */
    static String firstSentence(String text) {
        String t = text.strip();
        for (int i = t.indexOf(". "); i >= 0; i = t.indexOf(". ", i + 1)) {
            String before = t.substring(0, i);
            if (!before.endsWith("e.g") && !before.endsWith("i.e") && !before.endsWith("etc")) {
                return t.substring(0, i + 1);
            }
        }
        return t;
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"krunpack " + (v == null ? "dev" : v)};
        }
    }
}
