package org.toxiscope.features.io;

import java.util.Arrays;

/**
 * One tensor of a safetensors file as its header describes it: dtype name (safetensors spelling, e.g. {@code BF16}),
 * shape, and {@code [begin, end)} byte offsets relative to the start of the data section (the header's
 * {@code data_offsets}).
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The element count (product of the shape; 1 for a scalar), already checked against overflow. */
    public long numel() {
        return numel(shape);
    }

    /** The product of {@code shape} (1 for a scalar); ArithmeticException on 64-bit overflow. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The byte length of the stored data. */
    public long byteLength() {
        return end - begin;
    }

    /** The shape as {@code [2, 3]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + dtype + " " + shapeString() + " @" + begin + ".." + end + "]";
    }
}
