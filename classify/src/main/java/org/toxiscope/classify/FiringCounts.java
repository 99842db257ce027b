package org.toxiscope.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.toxiscope.features.SparseVector;

/**
 * Streaming discovery counts: per layer and feature, on how many toxic and how many clean examples it fired
 * (pooled activation above {@link Discovery#EPS}). Rows are counted and forgotten, so discovery over every layer
 * of a large corpus needs no feature table.
 */
public final class FiringCounts {

    private final int[] layers;
    private final int[][] toxic;
    private final int[][] clean;
    private int nToxic;
    private int nClean;

    public FiringCounts(int[] layers) {
        if (layers.length == 0 || Arrays.stream(layers).distinct().count() != layers.length) {
            throw new IllegalArgumentException("discovery needs distinct layers, got " + Arrays.toString(layers));
        }
        this.layers = layers.clone();
        this.toxic = new int[layers.length][0];
        this.clean = new int[layers.length][0];
    }

    /** Counts one example: its class and its pooled vector at each layer, in layer order. */
    public void add(boolean isToxic, SparseVector... byLayer) {
        if (byLayer.length != layers.length) {
            throw new IllegalArgumentException(byLayer.length + " pooled vectors for " + layers.length + " layers");
        }
        for (int s = 0; s < layers.length; s++) {
            count(s, isToxic, byLayer[s].indices(), byLayer[s].values(), 0, byLayer[s].size());
        }
        tally(isToxic);
    }

    /** Counts row {@code row} of {@code table} (which must hold every layer counted here) as toxic or clean. */
    public void add(boolean isToxic, FeatureTable table, int row) {
        for (int s = 0; s < layers.length; s++) {
            int[] start = table.rowStart(layers[s]);
            count(s, isToxic, table.indices(layers[s]), table.values(layers[s]), start[row], start[row + 1]);
        }
        tally(isToxic);
    }

    public int toxicCount() {
        return nToxic;
    }

    public int cleanCount() {
        return nClean;
    }

    /** The ranked delta table; {@code labelName} names the label in the error when a class is missing. */
    public DeltaTable deltas(String labelName) {
        if (nToxic == 0 || nClean == 0) {
            throw new IllegalArgumentException("discovery for label '" + labelName + "' needs toxic and clean examples; got "
                    + nToxic + " toxic and " + nClean + " clean");
        }
        List<DeltaTable.LayerDeltas> out = new ArrayList<>();
        for (int s = 0; s < layers.length; s++) {
            out.add(rank(layers[s], toxic[s], clean[s]));
        }
        return new DeltaTable(out);
    }

    private void tally(boolean isToxic) {
        if (isToxic) {
            nToxic++;
        } else {
            nClean++;
        }
    }

    private void count(int slot, boolean isToxic, int[] idx, float[] val, int from, int to) {
        if (to > from && idx[to - 1] >= toxic[slot].length) {
            if (idx[to - 1] >= FeatureTable.MAX_FEATURES) {
                throw new IllegalArgumentException("feature index " + idx[to - 1] + " at layer " + layers[slot]
                        + " exceeds " + FeatureTable.MAX_FEATURES);
            }
            int width = Math.min(FeatureTable.MAX_FEATURES, Math.max(idx[to - 1] + 1, toxic[slot].length * 2));
            toxic[slot] = Arrays.copyOf(toxic[slot], width);
            clean[slot] = Arrays.copyOf(clean[slot], width);
        }
        int[] counts = isToxic ? toxic[slot] : clean[slot];
        for (int j = from; j < to; j++) {
            if (val[j] > Discovery.EPS) {
                counts[idx[j]]++;
            }
        }
    }

    private DeltaTable.LayerDeltas rank(int layer, int[] tc, int[] cc) {
        int fired = 0;
        for (int f = 0; f < tc.length; f++) {
            if (tc[f] + cc[f] > 0) {
                fired++;
            }
        }
        // Sort key: delta descending in the high word (order-preserving float bits), feature ascending in the low.
        long[] keys = new long[fired];
        float[] deltaOf = new float[tc.length];
        int n = 0;
        for (int f = 0; f < tc.length; f++) {
            if (tc[f] + cc[f] > 0) {
                deltaOf[f] = (float) ((double) tc[f] / nToxic - (double) cc[f] / nClean);
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
            tr[r] = (float) ((double) tc[f] / nToxic);
            cr[r] = (float) ((double) cc[f] / nClean);
            delta[r] = deltaOf[f];
        }
        return new DeltaTable.LayerDeltas(layer, nToxic, nClean, features, tr, cr, delta);
    }

    /** Maps a finite float to an int with the same order (-0 and 0 equal). */
    private static int sortable(float x) {
        int bits = Float.floatToIntBits(x == 0f ? 0f : x);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
