package org.toxiscope.cli.bench;

import java.util.Arrays;

/** Wall-clock seconds of benchmark work: one started stopwatch, or a pass repeated after untimed warm-up runs. */
final class Stopwatch {

    /** The seconds of each timed repeat of a pass, in run order. */
    record Times(double[] seconds) {

        double mean() {
            return Arrays.stream(seconds).average().orElseThrow();
        }

        /** The least disturbed run's seconds. */
        double min() {
            return Arrays.stream(seconds).min().orElseThrow();
        }
    }

    private final long start;

    private Stopwatch() {
        this.start = System.nanoTime();
    }

    /** A stopwatch running from now. */
    static Stopwatch start() {
        return new Stopwatch();
    }

    /** Seconds since {@link #start}. */
    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Runs {@code pass} {@code warmups} times untimed (first runs pay for lazy initialisation and allocation), then
     * {@code repeats} times, each timed on its own.
     */
    static Times repeat(int warmups, int repeats, Runnable pass) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, not " + repeats);
        }
        for (int w = 0; w < warmups; w++) {
            pass.run();
        }
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            Stopwatch watch = start();
            pass.run();
            seconds[r] = watch.seconds();
        }
        return new Times(seconds);
    }
}
