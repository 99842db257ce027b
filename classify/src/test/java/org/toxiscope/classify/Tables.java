package org.toxiscope.classify;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.toxiscope.features.SparseVector;

/** Hand-made and synthetic feature tables for tests. */
final class Tables {

    private Tables() {
    }

    /** A pooled vector where each listed feature fires with activation 1 + feature/100 at token (feature mod 7). */
    static SparseVector fires(int... features) {
        int[] idx = features.clone();
        Arrays.sort(idx);
        float[] values = new float[idx.length];
        int[] pos = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            values[i] = 1 + idx[i] / 100f;
            pos[i] = idx[i] % 7;
        }
        return new SparseVector(idx, values, pos);
    }

    /**
     * Hand-made two-layer table, 4 toxic rows (0-3) then 4 clean rows (4-7), language en.
     * Layer 3: f0 on toxic 0,1,2 and clean 4 (delta 0.5); f1 everywhere (0); f2 on toxic 0,1 (0.5);
     * f5 on clean 4,5 (-0.5); f4 stored on toxic 3 with activation -2 (never fires).
     * Layer 7: f10 on all toxic (1.0); f3 on toxic 0 (0.25); f8 on clean 6 (-0.25).
     */
    static FeatureTable handMade() {
        FeatureTable.Builder b = FeatureTable.builder(new int[] {3, 7}, List.of("toxic"));
        b.add("t0", "en", Map.of("toxic", true), fires(0, 1, 2), fires(3, 10));
        b.add("t1", "en", Map.of("toxic", true), fires(0, 1, 2), fires(10));
        b.add("t2", "en", Map.of("toxic", true), fires(0, 1), fires(10));
        b.add("t3", "en", Map.of("toxic", true), new SparseVector(new int[] {1, 4}, new float[] {1f, -2f}, new int[] {0, 1}),
                fires(10));
        b.add("c4", "en", Map.of("toxic", false), fires(0, 1, 5), fires());
        b.add("c5", "en", Map.of("toxic", false), fires(1, 5), fires());
        b.add("c6", "en", Map.of("toxic", false), fires(1), fires(8));
        b.add("c7", "en", Map.of("toxic", false), fires(1), fires());
        return b.build();
    }

    /**
     * Synthetic linearly separable data at layer 12: a toxic row fires 4 of features 0-19, a clean row 4 of 20-39,
     * every row 6 noise features of 40-199; label "insult" is toxic rows whose first signal feature is below 10 and
     * fires feature 300 besides.
     */
    static FeatureTable synthetic(int n, long seed, String... langs) {
        Random rnd = new Random(seed);
        FeatureTable.Builder b = FeatureTable.builder(new int[] {12}, List.of("toxic", "insult"));
        for (int i = 0; i < n; i++) {
            boolean toxic = i % 2 == 0;
            int base = toxic ? 0 : 20;
            int[] f = new int[11];
            for (int j = 0; j < 4; j++) {
                f[j] = base + rnd.nextInt(20);
            }
            boolean insult = toxic && f[0] < 10;
            for (int j = 4; j < 10; j++) {
                f[j] = 40 + rnd.nextInt(160);
            }
            f[10] = insult ? 300 : f[9];
            int[] distinct = Arrays.stream(f).distinct().sorted().toArray();
            float[] v = new float[distinct.length];
            int[] pos = new int[distinct.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = 0.5f + 4 * rnd.nextFloat();
                pos[j] = rnd.nextInt(30);
            }
            b.add("r" + i, langs[(i / 2) % langs.length], Map.of("toxic", toxic, "insult", insult),
                    new SparseVector(distinct, v, pos));
        }
        return b.build();
    }
}
