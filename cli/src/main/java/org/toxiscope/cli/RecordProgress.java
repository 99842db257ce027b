package org.toxiscope.cli;

import java.io.PrintWriter;
import java.util.function.DoubleSupplier;

/**
 * Prints records done, rate and ETA (from the share of input bytes read) to stderr at most once a second, and a
 * closing line; cheap enough to call per record.
 */
final class RecordProgress {

    private final String task;
    private final PrintWriter err;
    private final DoubleSupplier fractionDone;
    private final long start = System.nanoTime();
    private long nextReport = start + 1_000_000_000L;
    private long count;

    RecordProgress(String task, PrintWriter err, DoubleSupplier fractionDone) {
        this.task = task;
        this.err = err;
        this.fractionDone = fractionDone;
    }

    /** Progress on the process's stderr. */
    static RecordProgress toStderr(String task, DoubleSupplier fractionDone) {
        return new RecordProgress(task, new PrintWriter(System.err, true), fractionDone);
    }

    void step() {
        count++;
        if ((count & 15) == 0) {
            report(System.nanoTime());
        }
    }

    /** Sets the running count to {@code n} (for work reported in chunks). */
    void stepTo(long n) {
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

    long count() {
        return count;
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    void done() {
        err.printf("%s: %,d records in %.1f s (%,.1f records/s)%n", task, count, seconds(), rate(System.nanoTime()));
        err.flush();
    }
}
