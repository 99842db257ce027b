package org.toxiscope.cli;

import java.io.PrintStream;

/**
 * Prints records done, rate and (when the total is known) ETA to stderr at most once a second, and a closing line;
 * cheap enough to call per record.
 */
final class RecordProgress {

    private final String task;
    private final PrintStream err;
    private final long total;
    private final long start = System.nanoTime();
    private long nextReport = start + 1_000_000_000L;
    private long count;

    RecordProgress(String task, PrintStream err) {
        this(task, err, -1);
    }

    /** With {@code total} records expected (-1: unknown), lines also show the share done and the ETA. */
    RecordProgress(String task, PrintStream err, long total) {
        this.task = task;
        this.err = err;
        this.total = total;
    }

    void step() {
        count++;
        if ((count & 63) == 0) {
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
        double rate = rate(now);
        if (total > 0) {
            long eta = rate > 0 ? (long) ((total - count) / rate) : -1;
            err.printf("%s: %,d/%,d records (%.0f%%), %,.1f records/s, ETA %s%n", task, count, total,
                    100.0 * count / total, rate, eta < 0 ? "?" : String.format("%d:%02d", eta / 60, eta % 60));
        } else {
            err.printf("%s: %,d records, %,.1f records/s%n", task, count, rate);
        }
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
    }
}
