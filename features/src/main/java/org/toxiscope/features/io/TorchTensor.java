package org.toxiscope.features.io;

import java.util.Arrays;

/**
 * A tensor described by a {@code torch.save} pickle, not yet read: element type, shape and strides (in elements),
 * and where its values lie (storage key, element offset into it, the storage's element count).
 */
public record TorchTensor(String name, TensorDtype dtype, long[] shape, long[] stride, long storageOffset,
        String storageKey, long storageNumel) {

    public TorchTensor {
        shape = shape.clone();
        stride = stride.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    /** The element count, already checked against overflow. */
    public long numel() {
        return TensorInfo.numel(shape);
    }

    /** Whether the elements are laid out row-major without gaps (dimensions of size 1 may have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** The same tensor under another name (for nested state dicts). */
    TorchTensor named(String newName) {
        return new TorchTensor(newName, dtype, shape, stride, storageOffset, storageKey, storageNumel);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchTensor t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(stride, t.stride) && storageOffset == t.storageOffset
                && storageKey.equals(t.storageKey) && storageNumel == t.storageNumel;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TorchTensor[" + name + " " + dtype + " " + Arrays.toString(shape) + " storage " + storageKey + "]";
    }
}
