package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/** One pre-norm decoder block: {@code h = x + attn(norm1(x)); out = h + mlp(norm2(h))}. */
record DecoderBlock(RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, Mlp mlp) {

    NDArray apply(NDArray x, BatchLayout layout, DecodeState state) {
        NDArray h = x.add(attention.apply(inputNorm.apply(x), layout, state));
        return h.add(mlp.apply(postAttentionNorm.apply(h)));
    }
}
