package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/**
 * Root-mean-square layer norm over the last axis, {@code weight * x / sqrt(mean(x^2) + eps)}, computed in float32
 * with the float32 {@code weight} and rounded to {@code dtype} once at the end (Hugging Face's Qwen3 norm rounds once
 * more, before the weight multiply; skipping it keeps bf16 nearer the float32 result).
 */
record RmsNorm(NDArray weight, float eps, ComputeDtype dtype) {

    NDArray apply(NDArray x) {
        NDArray f = ComputeDtype.widen(x);
        // sqrt(mean(x^2) + eps) from the vector norm: one reduction, no [.., d] array of squares.
        long d = f.getShape().tail();
        NDArray rms = f.norm(new int[] {-1}, true).square().divi(d).addi(eps).sqrt();
        return dtype.narrow(f.div(rms).muli(weight));
    }
}
