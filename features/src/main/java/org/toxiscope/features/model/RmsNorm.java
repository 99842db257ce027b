package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/**
 * Root-mean-square layer norm over the last axis, {@code weight * x / sqrt(mean(x^2) + eps)}, computed in float32
 * (the float32 {@code weight} included, as Hugging Face upcasts) and given back in {@code dtype}.
 */
record RmsNorm(NDArray weight, float eps, ComputeDtype dtype) {

    NDArray apply(NDArray x) {
        NDArray f = ComputeDtype.widen(x);
        NDArray rms = f.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return dtype.narrow(f.div(rms).mul(weight));
    }
}
