package org.toxiscope.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A toxiscope-spark command line run in-process: its exit code and what the job printed to its error stream. */
record SparkRun(int exit, String err) {

    static SparkRun of(String... args) {
        CommandLine cl = ToxiscopeSpark.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new SparkRun(cl.execute(args), err.toString());
    }
}
