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
        // mean(x^2) as Hugging Face computes it: deriving it from the vector norm (sqrt, then square) rounds once
        // more, which flips the tiny fixture's steered generations and bought no speed beyond the machine's noise.
        NDArray rms = f.square().mean(new int[] {-1}, true).addi(eps).sqrt();
        return dtype.narrow(f.div(rms).muli(weight));
    }
}
