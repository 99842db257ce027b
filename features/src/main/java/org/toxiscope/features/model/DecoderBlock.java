package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/**
 * One pre-norm decoder block: {@code h = x + mix(norm1(x)); out = h + mlp(norm2(h))}; the mixer is attention or
 * linear attention.
 */
record DecoderBlock(RmsNorm inputNorm, TokenMixer mixer, RmsNorm postAttentionNorm, Mlp mlp) {

    NDArray apply(NDArray x, BatchLayout layout, DecodeState state) {
        NDArray h = x.add(mixer.apply(inputNorm.apply(x), layout, state));
        return h.add(mlp.apply(postAttentionNorm.apply(h)));
    }
}
