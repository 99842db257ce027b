package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;

/**
 * Qwen3 grouped-query self-attention: q/k/v projections, per-head RMSNorm of q and k, rotary embedding, scaled
 * dot-product over the cached and new keys with the additive mask, output projection. Weights held transposed.
 * With {@code outputGate} (Qwen3.5) q_proj yields per head a query and a gate, and the attention output is multiplied
 * by {@code sigmoid(gate)} before the output projection.
 */
record Attention(int index, NDArray qT, NDArray kT, NDArray vT, NDArray oT, RmsNorm qNorm, RmsNorm kNorm,
                 int heads, int kvHeads, int headDim, RotaryEmbedding rope, boolean outputGate) implements TokenMixer {

    @Override
    public NDArray apply(NDArray x, BatchLayout layout, DecodeState state) {
        int b = layout.batch();
        int t = layout.width();
        NDArray projected = x.matMul(qT);
        NDArray gate = null;
        if (outputGate) {
            // Per head: headDim query values, then headDim gate values.
            NDArray perHead = projected.reshape(b, t, heads, 2L * headDim);
            projected = perHead.get(new NDIndex("..., :{}", headDim));
            gate = perHead.get(new NDIndex("..., {}:", headDim)).reshape(b, t, (long) heads * headDim);
        }
        NDArray q = heads(qNorm.apply(projected.reshape(b, t, heads, headDim)), layout);
        NDArray k = heads(kNorm.apply(x.matMul(kT).reshape(b, t, kvHeads, headDim)), layout);
        NDArray v = x.matMul(vT).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray[] cache = state.append(index, k, v);
        // Query head h reads kv head h / groups: view the queries as [B, kvHeads, groups, T, d] and broadcast.
        int groups = heads / kvHeads;
        NDArray grouped = q.reshape(b, kvHeads, groups, t, headDim);
        NDArray scores = grouped.matMul(cache[0].expandDims(2).transpose(0, 1, 2, 4, 3))
                .mul(1.0 / Math.sqrt(headDim)).add(layout.mask().expandDims(1));
        NDArray context = scores.softmax(-1).matMul(cache[1].expandDims(2));
        NDArray merged = context.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * headDim);
        return (gate == null ? merged : merged.mul(Activation.sigmoid(gate))).matMul(oT);
    }

    /** [B, T, n, d] -> rotated [B, n, T, d]. */
    private NDArray heads(NDArray x, BatchLayout layout) {
        return rope.apply(x.transpose(0, 2, 1, 3), layout.positions(), layout.maxPosition());
    }
}
