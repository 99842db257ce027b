package org.toxiscope.features.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks loaded weight tensors for NaN and infinities as engine reductions (each tensor's max and min, into which a
 * NaN propagates and where an infinity shows), read back together in one step; {@link #require} names the first
 * offending tensor.
 */
public final class FiniteCheck {

    private final List<String> names = new ArrayList<>();
    private final NDList extremes = new NDList();
    /** Where the reductions live: null for each tensor's own manager. */
    private final NDManager owner;

    /** Reductions owned by each tensor's manager. */
    public FiniteCheck() {
        this(null);
    }

    /** Reductions owned by {@code owner}, for tensors read through managers that close before {@link #require}. */
    public FiniteCheck(NDManager owner) {
        this.owner = owner;
    }

    /** Queues {@code array}'s reductions under {@code name}; an empty tensor has nothing to check. */
    public void add(String name, NDArray array) {
        if (array.size() > 0) {
            names.add(name);
            // As float32, so that bf16 weights stack with the rest and read back (a bf16 max or min is exact in f32).
            NDArray max = array.max().toType(DataType.FLOAT32, false);
            NDArray min = array.min().toType(DataType.FLOAT32, false);
            if (owner != null) {
                max.attach(owner);
                min.attach(owner);
            }
            extremes.add(max);
            extremes.add(min);
        }
    }

    /**
     * Refuses the first queued tensor that holds a NaN or an infinity, naming {@code source} and the tensor; frees
     * the reductions either way.
     */
    public void require(String source) throws MalformedFileException {
        if (extremes.isEmpty()) {
            return;
        }
        float[] values;
        try (NDArray stacked = NDArrays.stack(extremes)) {
            values = stacked.toFloatArray();
        } finally {
            extremes.close();
            extremes.clear();
        }
        for (int i = 0; i < names.size(); i++) {
            if (!Float.isFinite(values[2 * i]) || !Float.isFinite(values[2 * i + 1])) {
                throw new MalformedFileException(source + ": tensor '" + names.get(i)
                        + "' holds NaN or infinite values");
            }
        }
        names.clear();
    }
}
