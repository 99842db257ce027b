package org.toxiscope.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The report's feature discovery: a feature fires on an example when its max-pooled activation exceeds
 * {@link #EPS}, and its toxic bias at a layer is {@code P(fires | toxic) - P(fires | clean)} over the discovery rows.
 */
public final class Discovery {

    /** Firing threshold on the pooled activation (the report's eps). */
    public static final float EPS = 0f;

    private Discovery() {
    }

    /** The delta table over all labelled rows for label column {@code label}. */
    public static DeltaTable run(FeatureTable table, int label) {
        return run(table, label, 1.0, 0);
    }

    /** The delta table over a stratified {@code fraction} of the labelled rows (see {@link StratifiedSample}). */
    public static DeltaTable run(FeatureTable table, int label, double fraction, long seed) {
        int[] all = new int[table.size()];
        Arrays.setAll(all, i -> i);
        return run(table, label, StratifiedSample.sample(table, label, all, fraction, seed));
    }

    /** The delta table over exactly {@code rows}; each must be labelled, with both classes present. */
    public static DeltaTable run(FeatureTable table, int label, int[] rows) {
        int nToxic = 0;
        for (int row : rows) {
            if (table.label(label, row)) {
                nToxic++;
            }
        }
        int nClean = rows.length - nToxic;
        if (nToxic == 0 || nClean == 0) {
            throw new IllegalArgumentException("discovery for label '" + table.labelNames().get(label)
                    + "' needs toxic and clean examples; got " + nToxic + " toxic and " + nClean + " clean");
        }
        List<DeltaTable.LayerDeltas> layers = new ArrayList<>();
        for (int layer : table.layers()) {
            layers.add(layer(table, label, rows, layer, nToxic, nClean));
        }
        return new DeltaTable(layers);
    }

    private static DeltaTable.LayerDeltas layer(FeatureTable table, int label, int[] rows, int layer, int nToxic,
                                                int nClean) {
        int[] start = table.rowStart(layer);
        int[] idx = table.indices(layer);
        float[] val = table.values(layer);
        int[] toxic = new int[table.width(layer)];
        int[] clean = new int[toxic.length];
        for (int row : rows) {
            int[] counts = table.label(label, row) ? toxic : clean;
            for (int j = start[row]; j < start[row + 1]; j++) {
                if (val[j] > EPS) {
                    counts[idx[j]]++;
                }
            }
        }
        int fired = 0;
        for (int f = 0; f < toxic.length; f++) {
            if (toxic[f] + clean[f] > 0) {
                fired++;
            }
        }
        // Sort key: delta descending in the high word (order-preserving float bits), feature ascending in the low.
        long[] keys = new long[fired];
        float[] deltaOf = new float[toxic.length];
        int n = 0;
        for (int f = 0; f < toxic.length; f++) {
            if (toxic[f] + clean[f] > 0) {
                deltaOf[f] = (float) ((double) toxic[f] / nToxic - (double) clean[f] / nClean);
                keys[n++] = ((long) sortable(-deltaOf[f]) << 32) | f;
            }
        }
        Arrays.sort(keys);
        int[] features = new int[fired];
        float[] tr = new float[fired];
        float[] cr = new float[fired];
        float[] delta = new float[fired];
        for (int r = 0; r < fired; r++) {
            int f = (int) keys[r];
            features[r] = f;
            tr[r] = (float) ((double) toxic[f] / nToxic);
            cr[r] = (float) ((double) clean[f] / nClean);
            delta[r] = deltaOf[f];
        }
        return new DeltaTable.LayerDeltas(layer, nToxic, nClean, features, tr, cr, delta);
    }

    /** Maps float bits to an int with the same order as the floats (finite values, -0 and 0 equal). */
    private static int sortable(float x) {
        int bits = Float.floatToIntBits(x == 0f ? 0f : x);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
