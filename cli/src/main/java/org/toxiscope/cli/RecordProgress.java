package org.toxiscope.cli;

import java.io.PrintWriter;

/** Prints records done and rate to stderr at most once a second, and a closing line; cheap enough to call per record. */
final class RecordProgress {

    private final String task;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long nextReport = start + 1_000_000_000L;
    private long count;

    RecordProgress(String task, PrintWriter err) {
        this.task = task;
        this.err = err;
    }

    void step() {
        count++;
        if ((count & 1023) == 0) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                nextReport = now + 1_000_000_000L;
                err.printf("%s: %,d records, %,.0f records/s%n", task, count, rate(now));
                err.flush();
            }
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
        err.printf("%s: %,d records in %.1f s (%,.0f records/s)%n", task, count, seconds(), rate(System.nanoTime()));
        err.flush();
    }
}
