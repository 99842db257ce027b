package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;

/**
 * Qwen3 grouped-query self-attention: q/k/v projections, per-head RMSNorm of q and k, rotary embedding, scaled
 * dot-product over the cached and new keys with the additive mask, output projection. Weights held transposed.
 */
record Attention(int index, NDArray qT, NDArray kT, NDArray vT, NDArray oT, RmsNorm qNorm, RmsNorm kNorm,
                 int heads, int kvHeads, int headDim, RotaryEmbedding rope) {

    NDArray apply(NDArray x, BatchLayout layout, DecodeState state) {
        int b = layout.batch();
        int t = layout.width();
        NDArray q = heads(qNorm.apply(x.matMul(qT).reshape(b, t, heads, headDim)), layout);
        NDArray k = heads(kNorm.apply(x.matMul(kT).reshape(b, t, kvHeads, headDim)), layout);
        NDArray v = x.matMul(vT).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray[] cache = state.append(index, k, v);
        // Query head h reads kv head h / groups: view the queries as [B, kvHeads, groups, T, d] and broadcast.
        int groups = heads / kvHeads;
        NDArray grouped = q.reshape(b, kvHeads, groups, t, headDim);
        NDArray scores = grouped.matMul(cache[0].expandDims(2).transpose(0, 1, 2, 4, 3))
                .mul(1.0 / Math.sqrt(headDim)).add(layout.mask().expandDims(1));
        NDArray context = scores.softmax(-1).matMul(cache[1].expandDims(2));
        return context.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim)
                .matMul(oT);
    }

    /** [B, T, n, d] -> rotated [B, n, T, d]. */
    private NDArray heads(NDArray x, BatchLayout layout) {
        return rope.apply(x.transpose(0, 2, 1, 3), layout.positions(), layout.maxPosition());
    }
}
