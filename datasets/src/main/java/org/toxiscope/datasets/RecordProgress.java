package org.toxiscope.datasets;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one progress display of every long pass: records done, rate and, where the share of input read is known, percent
 * and ETA. On a terminal it is one bar redrawn in place; elsewhere (a file, a pipe, a CI log) a plain line at most once
 * a second. A closing line follows either; cheap enough to call per record.
 */
public final class RecordProgress {

    private final String task;
    private final PrintWriter err;
    private final DoubleSupplier fractionDone;
    private final long start = System.nanoTime();
    private final Bar bar;
    private long nextReport = start + 1_000_000_000L;
    private long count;

    /** Progress of {@code task}, closing line on {@code err}; a bar on stderr where stderr is a terminal. */
    public RecordProgress(String task, PrintWriter err, DoubleSupplier fractionDone) {
        this.task = task;
        this.err = err;
        this.fractionDone = fractionDone;
        this.bar = stderrIsTerminal() ? new Bar(task) : null;
    }

    /** Progress on the process's stderr. */
    public static RecordProgress toStderr(String task, DoubleSupplier fractionDone) {
        return new RecordProgress(task, new PrintWriter(System.err, true), fractionDone);
    }

    /**
     * Whether the process's stderr is a terminal (Linux: file descriptor 2 is a tty device) that can redraw a line:
     * not where {@code TERM} is {@code dumb} or {@code TOXISCOPE_PROGRESS=plain} asks for lines.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM")) || "plain".equals(System.getenv("TOXISCOPE_PROGRESS"))) {
            return false;
        }
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    public void step() {
        count++;
        if ((count & 15) == 0) {
            report(System.nanoTime());
        }
    }

    /** Sets the running count to {@code n} (for work reported in chunks). */
    public void stepTo(long n) {
        count = n;
        report(System.nanoTime());
    }

    /**
     * A line about the work in hand (e.g. the target being synthesized): the bar's message on a terminal, a line of
     * its own elsewhere.
     */
    public void note(String message) {
        if (bar != null) {
            bar.message(message);
        } else {
            err.printf("%s: %s%n", task, message);
            err.flush();
        }
    }

    private void report(long now) {
        double f = fractionDone.getAsDouble();
        if (bar != null) {
            bar.show(count, f);
            return;
        }
        if (now < nextReport) {
            return;
        }
        nextReport = now + 1_000_000_000L;
        double elapsed = (now - start) / 1e9;
        String eta = f > 0 && f < 1 ? String.format(Locale.ROOT, ", %.0f%%, ETA %.0f s", 100 * f,
                elapsed * (1 - f) / f) : "";
        err.printf(Locale.ROOT, "%s: %,d records, %,.1f records/s%s%n", task, count, rate(now), eta);
        err.flush();
    }

    private double rate(long now) {
        return count / Math.max(1e-9, (now - start) / 1e9);
    }

    public long count() {
        return count;
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    public void done() {
        done("");
    }

    /** The closing line, with {@code more} (e.g. "; 3 rejected") after the rate. */
    public void done(String more) {
        if (bar != null) {
            bar.close(count);
        }
        err.printf(Locale.ROOT, "%s: %,d records in %.1f s (%,.1f records/s)%s%n", task, count, seconds(),
                rate(System.nanoTime()), more);
        err.flush();
    }

    /**
     * The terminal bar (me.tongfei progressbar): records against the total the share read so far implies, so the
     * library's percent and ETA are those of the input; indefinite while that share is unknown.
     */
    private static final class Bar {
        private final ProgressBar bar;

        Bar(String task) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setUnit(" records", 1).showSpeed()
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }

        void show(long count, double fraction) {
            if (fraction > 0 && fraction < 1) {
                bar.maxHint(Math.max(count, Math.round(count / fraction)));
            }
            bar.stepTo(count);
        }

        void message(String text) {
            bar.setExtraMessage(text);
        }

        void close(long count) {
            bar.maxHint(Math.max(1, count));
            bar.stepTo(count);
            bar.close();
        }
    }
}
