package org.toxiscope.features.sae;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.toxiscope.features.SparseVector;

/**
 * The sparse code of N residual vectors: {@code indices} [N, m] (INT64 feature ids) and {@code values} [N, m]
 * (FLOAT32), each row by value descending; m = k for top-k SAEs, else the largest active count in the batch, with
 * value 0 marking padding. Closing it closes both arrays.
 */
public record SaeCodes(NDArray indices, NDArray values) implements AutoCloseable {

    /** Rows (tokens) in the batch. */
    public int rows() {
        return Math.toIntExact(indices.getShape().get(0));
    }

    /** Each row as a {@link SparseVector} (ascending indices, zero-valued padding dropped). */
    public SparseVector[] toSparseRows() {
        int n = rows();
        int m = n == 0 ? 0 : Math.toIntExact(indices.getShape().get(1));
        long[] idx = indices.toLongArray();
        float[] val = values.toFloatArray();
        SparseVector[] out = new SparseVector[n];
        long[] keyed = new long[m];
        for (int r = 0; r < n; r++) {
            int base = r * m;
            int kept = 0;
            for (int j = 0; j < m; j++) {
                if (val[base + j] != 0f) {
                    // feature id in the high bits, column in the low: sorting the longs sorts by feature id
                    keyed[kept++] = (idx[base + j] << 32) | j;
                }
            }
            Arrays.sort(keyed, 0, kept);
            int[] fi = new int[kept];
            float[] fv = new float[kept];
            for (int j = 0; j < kept; j++) {
                fi[j] = (int) (keyed[j] >>> 32);
                fv[j] = val[base + (int) keyed[j]];
            }
            out[r] = new SparseVector(fi, fv);
        }
        return out;
    }

    @Override
    public void close() {
        indices.close();
        values.close();
    }
}
