package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/** The feed-forward half of a decoder block, applied to normed hidden states [B, T, H]. */
interface Mlp {

    NDArray apply(NDArray x);
}
