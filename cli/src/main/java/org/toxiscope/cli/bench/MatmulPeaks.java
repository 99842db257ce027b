package org.toxiscope.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.toxiscope.features.io.Bf16Kernels;
import org.toxiscope.features.model.ComputeDtype;

/**
 * This process's best f32 and bf16 matmul GFLOP/s on a device, for a model's achieved rate to be read against:
 * a 512x2048 @ 2048x6144 product (one batch of a block's MLP up-projection) through DJL, the bf16 operands narrowed
 * by {@link Bf16Kernels}.
 */
record MatmulPeaks(double f32Gflops, double bf16Gflops) {

    private static final int M = 512;
    private static final int K = 2048;
    private static final int N = 6144;

    /** Times the product in both dtypes on {@code device} (best of 10 after 2 warm-ups each). */
    static MatmulPeaks measure(Device device) {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray a = manager.randomNormal(new Shape(M, K));
            NDArray b = manager.randomNormal(new Shape(K, N));
            double f32 = gflops(a, b);
            return new MatmulPeaks(f32, gflops(Bf16Kernels.get().narrow(a), Bf16Kernels.get().narrow(b)));
        }
    }

    /** The peak of {@code dtype}. */
    double of(ComputeDtype dtype) {
        return dtype == ComputeDtype.F32 ? f32Gflops : bf16Gflops;
    }

    /** The line benchmarks print: both peaks and the CPU's bf16 flags. */
    String describe(Device device) {
        var flags = ComputeDtype.bf16CpuFlags();
        return String.format("matmul peak (%dx%d @ %dx%d on %s, DJL): f32 %.0f GFLOP/s, bf16 %.0f GFLOP/s; "
                + "CPU bf16 flags: %s", M, K, K, N, device, f32Gflops, bf16Gflops,
                flags.isEmpty() ? "none" : String.join(", ", flags));
    }

    private static double gflops(NDArray a, NDArray b) {
        double seconds = Stopwatch.repeat(2, 10, () -> {
            try (NDArray c = a.matMul(b)) {
                // Reading a value waits for the product where the engine is asynchronous (CUDA); the scalar
                // copies go with the manager.
                ComputeDtype.widen(c.get(0, 0)).getFloat();
            }
        }).min();
        return 2.0 * M * K * N / seconds / 1e9;
    }
}
