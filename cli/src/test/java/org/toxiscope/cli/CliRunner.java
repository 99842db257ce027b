package org.toxiscope.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a toxiscope command line in-process, capturing its exit code, stdout and stderr. */
final class CliRunner {

    record Run(int exit, String out, String err) {
    }

    private CliRunner() {
    }

    static Run run(String... args) {
        CommandLine cl = Toxiscope.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
