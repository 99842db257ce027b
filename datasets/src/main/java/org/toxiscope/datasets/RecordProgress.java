package org.toxiscope.datasets;

import java.io.PrintWriter;
import java.util.function.DoubleSupplier;

/**
 * The one progress line of every long pass: records done, rate and, where the share of input read is known, percent
 * and ETA, on stderr at most once a second, and a closing line; cheap enough to call per record.
 */
public final class RecordProgress {

    private final String task;
    private final PrintWriter err;
    private final DoubleSupplier fractionDone;
    private final long start = System.nanoTime();
    private long nextReport = start + 1_000_000_000L;
    private long count;

    public RecordProgress(String task, PrintWriter err, DoubleSupplier fractionDone) {
        this.task = task;
        this.err = err;
        this.fractionDone = fractionDone;
    }

    /** Progress on the process's stderr. */
    public static RecordProgress toStderr(String task, DoubleSupplier fractionDone) {
        return new RecordProgress(task, new PrintWriter(System.err, true), fractionDone);
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

    private void report(long now) {
        if (now < nextReport) {
            return;
        }
        nextReport = now + 1_000_000_000L;
        double f = fractionDone.getAsDouble();
        double elapsed = (now - start) / 1e9;
        String eta = f > 0 && f < 1 ? String.format(", %.0f%%, ETA %.0f s", 100 * f, elapsed * (1 - f) / f) : "";
        err.printf("%s: %,d records, %,.1f records/s%s%n", task, count, rate(now), eta);
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
        err.printf("%s: %,d records in %.1f s (%,.1f records/s)%s%n", task, count, seconds(), rate(System.nanoTime()),
                more);
        err.flush();
    }
}
