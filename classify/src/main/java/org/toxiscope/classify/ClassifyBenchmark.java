package org.toxiscope.classify;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.toxiscope.features.SparseVector;

/**
 * Times the classification core on a synthetic one-layer table (for {@code toxiscope bench classify}): table
 * building, discovery, rule scoring, logreg training on the top features by delta, and logreg scoring.
 */
public final class ClassifyBenchmark {

    private ClassifyBenchmark() {
    }

    /** Runs on {@code rows} examples with {@code nnz} pooled features each out of {@code width}; prints figures. */
    public static void run(int rows, int nnz, int width, int topFeatures, long seed, PrintStream out) {
        if (2L * nnz > width) {
            throw new IllegalArgumentException("width " + width + " must be at least twice nnz " + nnz);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long t0 = System.nanoTime();
        FeatureTable.Builder b = FeatureTable.builder(new int[] {0}, List.of("toxic"));
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int[] pos = new int[nnz];
        for (int r = 0; r < rows; r++) {
            boolean toxic = (r & 1) == 0;
            // slot j of width/nnz features: toxic rows fire in its lower half, clean rows in its upper half
            int step = width / nnz;
            int half = step / 2;
            for (int j = 0; j < nnz; j++) {
                idx[j] = j * step + (toxic ? 0 : half) + rnd.nextInt(half);
                val[j] = 0.1f + 5 * rnd.nextFloat();
                pos[j] = rnd.nextInt(256);
            }
            b.add("r" + r, "en", Map.of("toxic", toxic), new SparseVector(idx.clone(), val.clone(), pos.clone()));
        }
        FeatureTable table = b.build();
        long t1 = System.nanoTime();
        DeltaTable deltas = Discovery.run(table, 0);
        long t2 = System.nanoTime();
        FeatureRule rule = FeatureRule.topK(deltas, 0, 10);
        double sink = 0;
        for (int r = 0; r < rows; r++) {
            sink += rule.score(table, r);
        }
        long t3 = System.nanoTime();
        int[] all = new int[rows];
        Arrays.setAll(all, i -> i);
        LinearClassifier logreg = LinearClassifier.train(table, 0, all,
                LinearClassifier.topByDelta(deltas, List.of(0), topFeatures), LinearSettings.defaults(Method.LOGREG, seed));
        long t4 = System.nanoTime();
        for (int r = 0; r < rows; r++) {
            sink += logreg.score(table, r);
        }
        long t5 = System.nanoTime();
        long entries = (long) rows * nnz;
        out.printf("classify bench: %d rows x %d pooled features (width %d), %d entries%n", rows, nnz, width, entries);
        out.printf("build table      %8.1f ms  %10.0f rows/s%n", ms(t0, t1), rate(rows, t0, t1));
        out.printf("discovery        %8.1f ms  %10.0f rows/s  %.0f M entries/s%n", ms(t1, t2), rate(rows, t1, t2),
                rate(entries, t1, t2) / 1e6);
        out.printf("rule score (K10) %8.1f ms  %10.0f rows/s%n", ms(t2, t3), rate(rows, t2, t3));
        out.printf("logreg train     %8.1f ms  (top %d features, 10 epochs)%n", ms(t3, t4), topFeatures);
        out.printf("logreg score     %8.1f ms  %10.0f rows/s%n", ms(t4, t5), rate(rows, t4, t5));
        out.printf("(checksum %.3f)%n", sink);
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }

    private static double rate(long n, long from, long to) {
        return n / ((to - from) / 1e9);
    }
}
