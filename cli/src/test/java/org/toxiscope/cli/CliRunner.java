package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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

    /**
     * What a command that prints its results on the process's stdout (rather than the command line's) writes there,
     * failing the test unless it exits 0.
     */
    static String stdout(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Toxiscope.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit, String.join(" ", args));
        return captured.toString(StandardCharsets.UTF_8);
    }

    /**
     * As {@link #run}, with what the command prints on the process's stderr (progress and summary lines of corpus
     * passes) after its command-line stderr in {@link Run#err}.
     */
    static Run runWithSystemErr(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Run run;
        try {
            run = run(args);
        } finally {
            System.setErr(original);
        }
        return new Run(run.exit(), run.out(), run.err() + captured.toString(StandardCharsets.UTF_8));
    }
}
