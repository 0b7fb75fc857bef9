package org.krunpack.cli;

import org.krunpack.core.ExitCode;
import org.krunpack.core.KrunpackException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps exceptions to exit codes and messages; unexpected ones ask to be reported. */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        Object cmd = cl.getCommand();
        boolean json = cmd instanceof BaseCommand b && b.json();
        ExitCode code;
        String message;
        if (ex instanceof KrunpackException k) {
            code = k.exitCode();
            message = k.getMessage();
        } else {
            code = ExitCode.UNEXPECTED;
            StringWriter sw = new StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            message = "unexpected error: " + ex + "\nThis is a bug in krunpack: please report it with the"
                    + " command line and the trace below.\n" + sw;
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", cl.getCommandSpec().qualifiedName(" ").replaceFirst("^krunpack ", ""));
            doc.put("result", "error");
            doc.put("exitCode", code.code());
            doc.put("error", message);
            if (ex instanceof KrunpackException k && !k.problems().isEmpty()) {
                doc.put("problems", k.problems());
            }
            cl.getOut().println(Json.write(doc));
            cl.getOut().flush();
        }
        cl.getErr().println("krunpack: " + message);
        cl.getErr().flush();
        return code.code();
    }
}
