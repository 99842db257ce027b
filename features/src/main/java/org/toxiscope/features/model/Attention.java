package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Qwen3 grouped-query self-attention: q/k/v projections, per-head RMSNorm of q and k, rotary embedding, scaled
 * dot-product over the cached and new keys with the additive mask, output projection.
 * With {@code outputGate} (Qwen3.5) q_proj yields per head a query and a gate, and the attention output is multiplied
 * by {@code sigmoid(gate)} before the output projection. Queries are processed in blocks whose scores fit
 * {@code scoreBudget} bytes, so a long text costs memory linear in its length. Products run in the model's dtype;
 * the mask and softmax in float32, as Hugging Face upcasts them.
 */
record Attention(int index, Linear qProj, Linear kProj, Linear vProj, Linear oProj, RmsNorm qNorm, RmsNorm kNorm,
                 int heads, int kvHeads, int headDim, RotaryEmbedding rope, boolean outputGate, long scoreBudget,
                 ComputeDtype dtype) implements TokenMixer {

    /**
     * Bytes of attention scores per query block: large enough that each block is a big matrix product (64 query rows
     * of a 32K-token text at 16 heads), small enough that a block's few temporaries stay a few hundred MiB.
     */
    static final long SCORE_BUDGET = 128L << 20;

    @Override
    public NDArray apply(NDArray x, BatchLayout layout, DecodeState state) {
        int b = layout.batch();
        int t = layout.width();
        NDArray projected = qProj.apply(x);
        NDArray gate = null;
        if (outputGate) {
            // Per head: headDim query values, then headDim gate values.
            NDArray perHead = projected.reshape(b, t, heads, 2L * headDim);
            projected = perHead.get(new NDIndex("..., :{}", headDim));
            gate = perHead.get(new NDIndex("..., {}:", headDim)).reshape(b, t, (long) heads * headDim);
        }
        NDArray q = heads(qNorm.apply(projected.reshape(b, t, heads, headDim)), layout);
        NDArray k = heads(kNorm.apply(kProj.apply(x).reshape(b, t, kvHeads, headDim)), layout);
        NDArray v = vProj.apply(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray[] cache = state.append(index, k, v);
        // Query head h reads kv head h / groups: view the queries as [B, kvHeads, groups, T, d].
        NDArray grouped = q.reshape(b, kvHeads, heads / kvHeads, t, headDim);
        NDArray context = attend(grouped, cache[0].transpose(0, 1, 3, 2), cache[1], layout);
        NDArray merged = context.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * headDim);
        return oProj.apply(gate == null ? merged : merged.mul(Activation.sigmoid(gate)));
    }

    /**
     * {@code softmax(q k^T / sqrt(d) + mask) v} for queries [B, kvHeads, groups, T, d], transposed keys
     * [B, kvHeads, d, S] and values [B, kvHeads, S, d], a block of query rows at a time so that a block's scores stay
     * within {@link #scoreBudget} bytes (memory linear in T, not T x S); each block reads only the keys up to its last
     * row (the later ones are causally hidden) and its temporaries are freed before the next block starts. Gives
     * [B, kvHeads, groups, T, d].
     */
    private NDArray attend(NDArray grouped, NDArray keysT, NDArray values, BatchLayout layout) {
        int t = layout.width();
        int rows = queryRows(layout.batch(), heads, keysT.getShape().get(3), t, scoreBudget);
        NDManager owner = grouped.getManager();
        NDList blocks = new NDList();
        for (int from = 0; from < t; from += rows) {
            int to = Math.min(t, from + rows);
            try (NDManager scope = owner.newSubManager()) {
                NDArray q = rows == t ? grouped : grouped.get(scope, new NDIndex(":, :, :, {}:{}, :", from, to));
                int keys = layout.past() + to;
                NDArray k = to == t ? keysT : keysT.get(scope, new NDIndex("..., :{}", keys));
                NDArray v = to == t ? values : values.get(scope, new NDIndex(":, :, :{}, :", keys));
                NDArray out = block(q, k, v, layout.mask(scope, from, to));
                out.attach(owner);
                blocks.add(out);
            }
        }
        if (blocks.size() == 1) {
            return blocks.get(0);
        }
        NDArray context = NDArrays.concat(blocks, 3);
        blocks.close();
        return context;
    }

    /**
     * One query block [B, kvHeads, groups, r, d] against its keys. The groups fold into the query rows so that every
     * product is a plain batched matmul over the kv heads (a broadcast over groups would copy the keys per block).
     */
    private NDArray block(NDArray q, NDArray keysT, NDArray values, NDArray mask) {
        Shape shape = q.getShape();
        long b = shape.get(0);
        long groups = shape.get(2);
        long r = shape.get(3);
        NDArray scores = q.reshape(b, kvHeads, groups * r, headDim).matMul(keysT).muli(1.0 / Math.sqrt(headDim));
        long keys = scores.getShape().get(3);
        NDArray masked = ComputeDtype.widen(scores.reshape(b, kvHeads, groups, r, keys)).addi(mask.expandDims(1));
        return dtype.narrow(masked.softmax(-1)).reshape(b, kvHeads, groups * r, keys).matMul(values)
                .reshape(b, kvHeads, groups, r, headDim);
    }

    /** Query rows per block: as many as keep one block's float32 scores within {@code budget} bytes, at least 1. */
    static int queryRows(int batch, int heads, long keys, int width, long budget) {
        long perRow = (long) batch * heads * keys * Float.BYTES;
        return (int) Math.max(1, Math.min(width, budget / perRow));
    }

    /** [B, T, n, d] -> rotated [B, n, T, d]. */
    private NDArray heads(NDArray x, BatchLayout layout) {
        return rope.apply(x, layout.rotary(rope)).transpose(0, 2, 1, 3);
    }
}
