package org.toxiscope.features.extract;

import java.util.Arrays;
import org.toxiscope.features.SparseVector;

/**
 * Pools the top-k codes of one text's tokens into one sparse vector, treating features that a token did not keep as
 * 0 there (so a max over tokens never drops below 0 unless every token kept the feature). Work is O(tokens x k).
 */
final class SparsePooler {

    private SparsePooler() {
    }

    /** {@code indices}/{@code values}: row-major [tokens, k] codes of this text, rows {@code from..to-1}. */
    static SparseVector pool(Pooling pooling, long[] indices, float[] values, int k, int from, int to) {
        int tokens = to - from;
        if (pooling == Pooling.LAST) {
            return fromEntries(indices, values, k, to - 1, to, pooling, tokens);
        }
        return fromEntries(indices, values, k, from, to, pooling, tokens);
    }

    private static SparseVector fromEntries(long[] indices, float[] values, int k, int from, int to, Pooling pooling,
                                            int tokens) {
        int n = (to - from) * k;
        long[] keys = new long[n];
        // Sort (feature, row) pairs so each feature's entries are adjacent; row order keeps argmax deterministic.
        for (int r = from, e = 0; r < to; r++) {
            for (int j = 0; j < k; j++, e++) {
                keys[e] = (indices[r * k + j] << 32) | ((long) (r - from) << 12 | j);
            }
        }
        Arrays.sort(keys);
        int[] outIdx = new int[n];
        float[] outVal = new float[n];
        int[] outPos = new int[n];
        int m = 0;
        for (int e = 0; e < n; ) {
            int feature = (int) (keys[e] >>> 32);
            int count = 0;
            float max = Float.NEGATIVE_INFINITY;
            int argmax = -1;
            double sum = 0;
            for (; e < n && (int) (keys[e] >>> 32) == feature; e++) {
                int row = (int) ((keys[e] >>> 12) & 0xFFFFF);
                int slot = (int) (keys[e] & 0xFFF);
                float v = values[(from + row) * k + slot];
                count++;
                sum += v;
                if (v > max) {
                    max = v;
                    argmax = row;
                }
            }
            float pooled;
            int position = argmax;
            switch (pooling) {
                case MAX -> {
                    if (count < tokens && max < 0) {
                        pooled = 0f;
                        position = -1;
                    } else {
                        pooled = max;
                    }
                }
                case MEAN -> pooled = (float) (sum / tokens);
                default -> pooled = (float) sum;
            }
            if (pooled != 0f) {
                outIdx[m] = feature;
                outVal[m] = pooled;
                outPos[m] = pooling == Pooling.LAST ? tokens - 1 : position;
                m++;
            }
        }
        return new SparseVector(Arrays.copyOf(outIdx, m), Arrays.copyOf(outVal, m), Arrays.copyOf(outPos, m));
    }
}
