package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;
import org.toxiscope.features.io.Bf16Kernels;

/**
 * A Hugging Face Linear layer, {@code y = x W^T (+ b)}, for a weight W [out, in] (the model's projections have no
 * bias; the SAE encoder has one): in bf16 on CPU W is reordered once, at load, into oneDNN's blocked layout and
 * multiplied by its linear kernel; elsewhere (float32, a GPU, a libtorch or CPU on which oneDNN cannot run bf16) W is
 * held as a transposed view and multiplied by matmul. Measured on Qwen3-0.6B's gate_proj (1024 -> 3072, two threads,
 * AVX512-BF16), packed against matmul: 3.8-4.1 against 4.4-4.5 ms at 512 rows, 0.50 against 0.80-0.85 ms at 64 and
 * 0.19-0.25 against 0.34-0.41 ms at 8 (a decoding step of 8 texts). The reorder reads W once and keeps only the
 * packed copy, so the bytes held stay those of W.
 */
public final class Linear {

    /**
     * The rows oneDNN chooses the blocked layout for: a batch of 8 texts of 64 tokens. At 1 to 8 rows a layout chosen
     * for no particular row count was a little faster (0.12-0.29 against 0.19-0.31 ms), at 64 and 512 slower
     * (0.64-0.67 against 0.50 ms; 4.2-4.5 against 3.8-4.1 ms), so the layout favours the batches of a corpus pass.
     */
    private static final long PACK_ROWS = 512;

    private final NDArray weight;
    private final NDArray bias;
    private final boolean packed;

    private Linear(NDArray weight, NDArray bias, boolean packed) {
        this.weight = weight;
        this.bias = bias;
        this.packed = packed;
    }

    /** Whether weights of {@code dtype} on {@code manager}'s device are packed. */
    static boolean packs(ComputeDtype dtype, NDManager manager) {
        return dtype == ComputeDtype.BF16 && !manager.getDevice().isGpu() && Bf16Kernels.get().canPack();
    }

    /** The layer of weight {@code name + ".weight"}, its arrays owned by {@code manager}. */
    static Linear load(Weights weights, String name, NDManager manager, ComputeDtype dtype) {
        return read(manager, dtype, source -> of(weights.load(name + ".weight", source, dtype), manager, dtype));
    }

    /**
     * {@code build} given the manager to read the weights it packs into {@code manager} through: where weights are
     * packed, a scope closed when {@code build} returns, so that the source tensors and the checkpoint mapping that
     * scope owns are released once the packed copies exist; elsewhere {@code manager} itself.
     */
    public static <T> T read(NDManager manager, ComputeDtype dtype, Function<NDManager, T> build) {
        if (!packs(dtype, manager)) {
            return build.apply(manager);
        }
        try (NDManager scope = manager.newSubManager()) {
            return build.apply(scope);
        }
    }

    /**
     * The layer of {@code weight} [out, in] (a loaded tensor or a slice of one), its arrays owned by {@code manager}:
     * packed there (the caller still owns {@code weight}) or {@code weight} itself, transposed.
     */
    public static Linear of(NDArray weight, NDManager manager, ComputeDtype dtype) {
        return of(weight, null, manager, dtype);
    }

    /**
     * As {@link #of(NDArray, NDManager, ComputeDtype)} with {@code bias} [out] in the weight's dtype (null: none),
     * which the layer keeps as given (its owner must outlive the layer).
     */
    public static Linear of(NDArray weight, NDArray bias, NDManager manager, ComputeDtype dtype) {
        if (packs(dtype, manager)) {
            return new Linear(Bf16Kernels.get().pack(weight, PACK_ROWS, manager), bias, true);
        }
        return new Linear(weight.transpose(), bias, false);
    }

    /** {@code x @ W^T (+ b)} for {@code x} [..., in] in the weight's dtype, in {@code x}'s manager. */
    public NDArray apply(NDArray x) {
        if (packed) {
            return Bf16Kernels.get().linear(x, weight, bias);
        }
        NDArray product = x.matMul(weight);
        return bias == null ? product : product.addi(bias);
    }
}
