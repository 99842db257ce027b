package org.toxiscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.toxiscope.datasets.CorpusWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Tells how interrupted corpus outputs continue: while installed, Ctrl-C (SIGINT) or SIGTERM flushes every partial
 * output added and prints on stderr the records each keeps and the exact {@code --resume} command; closing removes it.
 */
final class ResumeHint implements AutoCloseable {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private final String task;
    private final String command;
    private final List<CorpusWriter> writers = new CopyOnWriteArrayList<>();
    private final Thread hook;

    private ResumeHint(String task, String command) {
        this.task = task;
        this.command = command;
        this.hook = new Thread(this::interrupted, "toxiscope-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Installs the hint for the command {@code spec} runs. */
    static ResumeHint install(CommandSpec spec) {
        return new ResumeHint(spec.qualifiedName(), resumeCommand(spec.root().commandLine().getParseResult()
                .originalArgs()));
    }

    /** The command line {@code args} again with {@code --resume}, without {@code --overwrite} and {@code --stop-after}. */
    static String resumeCommand(List<String> args) {
        StringJoiner out = new StringJoiner(" ");
        out.add("toxiscope");
        boolean resume = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--overwrite") || a.startsWith("--stop-after=")) {
                continue;
            }
            if (a.equals("--stop-after")) {
                i++;
                continue;
            }
            resume |= a.equals("--resume");
            out.add(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        if (!resume) {
            out.add("--resume");
        }
        return out.toString();
    }

    /** Flushes {@code writer} too when the process is interrupted. */
    void add(CorpusWriter writer) {
        writers.add(writer);
    }

    /** Prints, after an early stop or an interrupt, what each unfinished output keeps and how to continue. */
    void report(PrintWriter err, String why) {
        List<String> kept = new ArrayList<>();
        for (CorpusWriter w : writers) {
            if (w.isCommitted()) {
                continue;
            }
            kept.add(String.format(Locale.ROOT, "%,d records in %s", w.written(), w.partialFile()));
        }
        err.printf("%s: %s; safe: %s; continue with: %s%n", task, why, kept.isEmpty() ? "nothing yet"
                : String.join(", ", kept), command);
        err.flush();
    }

    private void interrupted() {
        List<String> failed = new ArrayList<>();
        boolean unfinished = false;
        for (CorpusWriter w : writers) {
            try {
                unfinished |= w.freeze();
            } catch (IOException e) {
                failed.add(w.partialFile() + ": " + e.getMessage());
            }
        }
        PrintWriter err = new PrintWriter(System.err, true);
        if (unfinished) {
            report(err, "interrupted");
        }
        failed.forEach(f -> err.println(task + ": cannot flush " + f));
    }

    /** Removes the hook: the command ended on its own. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and says what is kept.
        }
    }
}
