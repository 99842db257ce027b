package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/** Root-mean-square layer norm over the last axis: {@code weight * x / sqrt(mean(x^2) + eps)}. */
record RmsNorm(NDArray weight, float eps) {

    NDArray apply(NDArray x) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight);
    }
}
