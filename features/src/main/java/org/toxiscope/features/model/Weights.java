package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A source of named float32 weight tensors, created on demand as arrays owned by the given manager. */
public interface Weights {

    /** Whether a tensor of that name exists. */
    boolean has(String name);

    /** The tensor's shape, known without reading its values; an error naming the tensor where it is missing. */
    long[] tensorShape(String name);

    /** The tensor as a float32 array owned by {@code manager}; an error naming the tensor where it is missing. */
    NDArray load(String name, NDManager manager);

    /**
     * The tensor in {@code dtype}, owned by {@code manager}: float32 as {@link #load}, or bf16 narrowed once from it
     * (the float32 copy freed at once) unless the source can hand out its stored bf16 bytes directly.
     */
    default NDArray load(String name, NDManager manager, ComputeDtype dtype) {
        if (dtype == ComputeDtype.F32) {
            return load(name, manager);
        }
        try (NDArray f32 = load(name, manager)) {
            return dtype.narrow(f32);
        }
    }
}
