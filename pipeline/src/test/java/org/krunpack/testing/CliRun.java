package org.krunpack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.krunpack.cli.Json;
import org.krunpack.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the krunpack CLI in-process, as a user would, capturing exit code, stdout and stderr. */
public final class CliRun {
    private CliRun() {
    }

    /** One finished command. */
    public record Run(int exit, String out, String err) {
        /** Stdout as the one JSON document {@code --format json} promises. */
        public JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    public static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
