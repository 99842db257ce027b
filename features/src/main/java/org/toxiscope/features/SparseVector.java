package org.toxiscope.features;

import java.util.Arrays;

/**
 * A sparse feature vector: parallel arrays of feature indices (strictly ascending) and their values,
 * with, where known, the token position each value came from (max pooling), else {@code positions == null}.
 */
public record SparseVector(int[] indices, float[] values, int[] positions) {

    public SparseVector {
        if (indices.length != values.length || (positions != null && positions.length != indices.length)) {
            throw new IllegalArgumentException("indices, values and positions differ in length");
        }
        for (int i = 1; i < indices.length; i++) {
            if (indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("indices not strictly ascending at " + i);
            }
        }
    }

    public SparseVector(int[] indices, float[] values) {
        this(indices, values, null);
    }

    public static final SparseVector EMPTY = new SparseVector(new int[0], new float[0], null);

    public int size() {
        return indices.length;
    }

    /** The value of feature {@code index}, 0 where it is absent. */
    public float get(int index) {
        int at = Arrays.binarySearch(indices, index);
        return at >= 0 ? values[at] : 0f;
    }

    /** The token position behind feature {@code index}, or -1 where unknown or absent. */
    public int positionOf(int index) {
        int at = Arrays.binarySearch(indices, index);
        return at >= 0 && positions != null ? positions[at] : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseVector s && Arrays.equals(indices, s.indices) && Arrays.equals(values, s.values)
                && Arrays.equals(positions, s.positions);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "SparseVector" + Arrays.toString(indices) + "=" + Arrays.toString(values);
    }
}
