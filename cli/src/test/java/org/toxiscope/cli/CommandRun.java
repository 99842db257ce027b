package org.toxiscope.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The exit code, stdout and stderr of one in-process {@code toxiscope} invocation. */
record CommandRun(int exit, String out, String err) {

    static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Toxiscope.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }
}
