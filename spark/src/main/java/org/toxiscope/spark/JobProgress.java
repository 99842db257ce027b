package org.toxiscope.spark;

import java.io.PrintWriter;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Progress of a job on stderr each time a partition finishes: partitions done, records, rate and ETA. */
final class JobProgress extends SparkListener {

    private final String job;
    private final int partitions;
    private final ChunkedRows.Counters counters;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long reported;

    JobProgress(String job, int partitions, ChunkedRows.Counters counters, PrintWriter err) {
        this.err = err;
        this.job = job;
        this.partitions = partitions;
        this.counters = counters;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        long done = counters.partitions().value();
        if (done == reported) {
            return;
        }
        reported = done;
        double seconds = (System.nanoTime() - start) / 1e9;
        long records = counters.records().value();
        long etaSeconds = Math.round(seconds * (partitions - done) / done);
        err.printf("%s: %d/%d partitions, %,d records, %.1f records/s, ETA %d:%02d%n", job, done, partitions,
                records, records / Math.max(seconds, 1e-9), etaSeconds / 60, etaSeconds % 60);
    }

    /** Seconds since the job started. */
    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
