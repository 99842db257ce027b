package org.toxiscope.features.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;

/**
 * Named tensors readable as float32 (safetensors files, sharded checkpoints, torch.save dicts), with a loader that
 * writes straight into DJL-owned memory so no second copy or Java direct buffer stays behind.
 */
public interface TensorSource extends Closeable {

    Set<String> names();

    boolean has(String name);

    /** The shape of {@code name}; IllegalArgumentException naming the file where absent. */
    long[] shape(String name) throws IOException;

    /**
     * Writes rows {@code [fromRow, toRow)} along dimension 0 of {@code name} (a scalar is one row) as little-endian
     * float32 into {@code dst} from its position.
     */
    void readF32RowsInto(String name, long fromRow, long toRow, ByteBuffer dst) throws IOException;

    /**
     * {@code name} as a new FLOAT32 array owned by {@code manager}, any size: on CPU the values are converted straight
     * into the array's own memory, in row blocks under 2 GiB; on other devices through a CPU copy.
     */
    default NDArray loadF32(NDManager manager, String name) throws IOException {
        long[] shape = shape(name);
        if (!manager.getDevice().isGpu()) {
            NDArray out = manager.create(new Shape(shape), DataType.FLOAT32);
            try {
                fillF32(out, name, shape, TensorDtype.MAX_F32_ELEMENTS);
                return out;
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
        }
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray host = cpu.create(new Shape(shape), DataType.FLOAT32);
            fillF32(host, name, shape, TensorDtype.MAX_F32_ELEMENTS);
            NDArray out = host.toDevice(manager.getDevice(), true);
            out.attach(manager);
            return out;
        }
    }

    /**
     * {@code name} as a new bfloat16 array owned by {@code manager}: read as float32 (see {@link #loadF32}) and narrowed
     * once, the float32 copy freed at once. Sources that can map stored BF16 bytes directly override this.
     */
    default NDArray loadBf16(NDManager manager, String name) throws IOException {
        try (NDArray f32 = loadF32(manager, name)) {
            return Bf16Kernels.get().narrow(f32);
        }
    }

    /** Fills CPU array {@code out} (shape {@code shape}) with {@code name}, at most {@code maxChunk} floats a step. */
    default void fillF32(NDArray out, String name, long[] shape, long maxChunk) throws IOException {
        long rows = rowCount(shape);
        long numel = TensorInfo.numel(shape);
        if (numel == 0) {
            return;
        }
        long rowElements = numel / rows;
        if (rowElements > maxChunk) {
            throw new IllegalArgumentException(name + ": one row of shape " + Arrays.toString(shape)
                    + " is over the 2 GiB one buffer holds");
        }
        long step = maxChunk / rowElements;
        for (long from = 0; from < rows; from += step) {
            long to = Math.min(rows, from + step);
            boolean whole = from == 0 && to == rows;
            NDArray part = whole ? out : out.get(new NDIndex().addSliceDim(from, to));
            try {
                ByteBuffer view = part.toByteBuffer(true);
                long bytes = (to - from) * rowElements * 4;
                if (!view.isDirect() || view.capacity() != bytes) {
                    throw new IllegalStateException(name + ": the engine gave no writable view of the array's memory");
                }
                readF32RowsInto(name, from, to, view);
            } finally {
                if (!whole) {
                    part.close();
                }
            }
        }
    }

    /** Rows along dimension 0 (1 for a scalar). */
    static long rowCount(long[] shape) {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Checks {@code [fromRow, toRow)} against {@code shape} and returns the elements per row. */
    static long checkRows(long[] shape, long fromRow, long toRow, String where) {
        long rows = rowCount(shape);
        if (fromRow < 0 || fromRow > toRow || toRow > rows) {
            throw new IllegalArgumentException(where + ": rows [" + fromRow + ", " + toRow + ") outside shape "
                    + Arrays.toString(shape));
        }
        return rows == 0 ? 0 : TensorInfo.numel(shape) / rows;
    }
}
