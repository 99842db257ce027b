package org.toxiscope.datasets;

import java.util.Arrays;

/** Exact percentiles of text lengths in bounded memory: counts per length up to 64K, longer lengths kept one by one. */
final class LengthHistogram {

    private static final int DIRECT = 1 << 16;

    private final long[] counts = new long[DIRECT];
    private int[] longer = new int[16];
    private int longerSize;
    private long n;
    private long sum;

    void add(int length) {
        n++;
        sum += length;
        if (length < DIRECT) {
            counts[length]++;
        } else {
            if (longerSize == longer.length) {
                longer = Arrays.copyOf(longer, longerSize * 2);
            }
            longer[longerSize++] = length;
        }
    }

    long count() {
        return n;
    }

    double mean() {
        return n == 0 ? 0 : (double) sum / n;
    }

    /** The nearest-rank percentile {@code p} in [0,100]; 0 when empty. */
    int percentile(double p) {
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
        long seen = 0;
        for (int len = 0; len < DIRECT; len++) {
            seen += counts[len];
            if (seen >= rank) {
                return len;
            }
        }
        int[] tail = Arrays.copyOf(longer, longerSize);
        Arrays.sort(tail);
        return tail[(int) (rank - seen - 1)];
    }
}
