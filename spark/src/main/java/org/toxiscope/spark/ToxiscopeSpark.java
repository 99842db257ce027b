package org.toxiscope.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code toxiscope-spark} application that {@code spark-submit} starts: the {@code label} and {@code features}
 * jobs; exit 0 on success, else one line naming the job and the cause (the task's own error, not Spark's wrapping).
 */
@Command(name = "toxiscope-spark", mixinStandardHelpOptions = true,
        description = "toxiscope's label and features jobs on Apache Spark (run through spark-submit or bin/toxiscope-spark).",
        subcommands = {CommandLine.HelpCommand.class, SparkLabelJob.class, SparkFeaturesJob.class})
public final class ToxiscopeSpark implements Runnable {

    /** Spark's FAILED_READ_FILE error names the file a task was reading; its cause says what was wrong. */
    private static final Pattern READING_FILE = Pattern.compile("while reading file (\\S+?)\\.?(\\s|$)");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with the one-line error handler. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ToxiscopeSpark());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (System.getenv("TOXISCOPE_DEBUG") != null) {
                e.printStackTrace();
            }
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + rootMessage(e).replace('\n', ' '));
            return 1;
        });
        return cl;
    }

    /**
     * The sentence that explains a failure: the outermost of our own errors (a bad record, a missing file), which
     * Spark wraps in "Job aborted due to stage failure" with the executor's stack trace; else the innermost cause with
     * its type, prefixed with the file Spark says it was reading.
     */
    static String rootMessage(Throwable e) {
        String file = null;
        Throwable t = e;
        while (true) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (explains(t)) {
                return message;
            }
            Matcher m = READING_FILE.matcher(message);
            if (file == null && m.find()) {
                file = m.group(1);
            }
            if (t.getCause() == null || t.getCause() == t) {
                String text = t.getClass().getSimpleName() + ": " + message;
                return file != null ? file + ": " + text : text;
            }
            t = t.getCause();
        }
    }

    private static boolean explains(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof IOException || t instanceof UncheckedIOException
                || t.getClass().getName().startsWith("org.toxiscope.");
    }

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
