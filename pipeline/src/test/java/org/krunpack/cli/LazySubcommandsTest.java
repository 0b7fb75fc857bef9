package org.krunpack.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A run builds only the subcommand it names; help and mistakes see all of them (Main). */
class LazySubcommandsTest {
    @Test
    void everyListedNameMakesTheCommandOfThatName() {
        for (String name : Main.SUBCOMMANDS) {
            assertThat(new CommandLine(Main.subcommand(name)).getCommandName()).isEqualTo(name);
        }
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(Main.SUBCOMMANDS);
    }

    @Test
    void aRunBuildsOnlyTheSubcommandItNames() {
        assertThat(Main.commandLineFor("bundle", "--image", "x").getSubcommands().keySet()).containsExactly("bundle");
        assertThat(Main.commandLineFor("verify-lib").getSubcommands().keySet()).containsExactly("verify-lib");
        assertThat(Main.commandLineFor("--version").getSubcommands()).isEmpty();
        assertThat(Main.commandLineFor().getSubcommands()).hasSize(Main.SUBCOMMANDS.size());
        assertThat(Main.commandLineFor("--help").getSubcommands()).hasSize(Main.SUBCOMMANDS.size());
        assertThat(Main.commandLineFor("help", "bundle").getSubcommands()).hasSize(Main.SUBCOMMANDS.size());
        assertThat(Main.commandLineFor("bundel").getSubcommands()).hasSize(Main.SUBCOMMANDS.size());
    }

    @Test
    void aSubcommandsHelpIsTheSameWhetherBuiltAloneOrWithAll() {
        for (String name : Main.SUBCOMMANDS) {
            if (!name.equals("help")) {
                assertThat(usage(Main.commandLineFor(name), name)).as(name)
                        .isEqualTo(usage(Main.commandLine(), name)).contains("Usage: krunpack " + name);
            }
        }
    }

    @Test
    void aMisspelledSubcommandIsAUsageError() {
        CommandLine cl = Main.commandLineFor("bundel");
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("bundel")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'bundel'", "krunpack --help");
    }

    @Test
    void theCommandListGivesEveryCommandAWholeSentence() {
        StringWriter out = new StringWriter();
        Main.commandLine().usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
        String text = out.toString();
        java.util.Map<String, String> entries = new java.util.LinkedHashMap<>();
        String current = null;
        for (String line : text.substring(text.indexOf("Commands:\n") + 10, text.indexOf("\n\n", text.indexOf("Commands:")))
                .split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^  (\\S+) +(.*)$").matcher(line);
            if (m.matches()) {
                current = m.group(1);
                entries.put(current, m.group(2));
            } else {
                entries.merge(current, " " + line.strip(), String::concat);
            }
        }
        assertThat(entries.keySet()).containsExactlyElementsOf(Main.SUBCOMMANDS);
        entries.forEach((name, summary) -> assertThat(summary).as(name).endsWith(".").doesNotContain("%n"));
        assertThat(entries.get("bundle")).isEqualTo("Bundle a kernel image into libkrunfw[-variant].so.<version> with"
                + " the links .so.<abi> and .so, under <out>/bundle/ (see docs/bundle.md).");
    }

    @Test
    void descriptionsWrappedByHandAreJoinedIntoParagraphs() {
        for (String name : Main.SUBCOMMANDS.subList(0, Main.SUBCOMMANDS.size() - 1)) { // not picocli's help
            for (String line : Main.commandLine().getSubcommands().get(name).getCommandSpec().usageMessage()
                    .description()) {
                assertThat(line).as(name).matches("(?s).*[.:!?]");
            }
        }
        assertThat(Main.firstSentence("Do this (e.g. that). Then more.")).isEqualTo("Do this (e.g. that).");
        assertThat(Main.firstSentence("No full stop")).isEqualTo("No full stop");
    }

    private static String usage(CommandLine root, String name) {
        StringWriter out = new StringWriter();
        root.getSubcommands().get(name).usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
        return out.toString();
    }
}
