package org.toxiscope.spark;

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
     * The message of the innermost cause: Spark wraps a task's exception in "Job aborted due to stage failure" with
     * the whole executor stack trace, where the user needs only the task's own sentence.
     */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        boolean explains = t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                || t.getClass().getName().startsWith("org.toxiscope.");
        return explains ? message : t.getClass().getSimpleName() + ": " + message;
    }

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
