package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/** The sequence-mixing half of a decoder block (attention or linear attention) on normed hidden states [B, T, H]. */
interface TokenMixer {

    /** Mixes this step's tokens with the earlier ones held in {@code state}, and records this step in it. */
    NDArray apply(NDArray x, BatchLayout layout, DecodeState state);
}
