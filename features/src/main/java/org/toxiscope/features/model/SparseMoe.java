package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Qwen3-MoE's sparse block: router softmax over experts in float32, the top-k experts per token (weights renormalised
 * when {@code normalize}, then given the model's dtype as Hugging Face does), their SwiGLU outputs summed with those
 * weights. Tokens are grouped by expert so each expert
 * runs one matmul over just its tokens.
 */
record SparseMoe(Linear router, SwiGlu[] experts, int topK, boolean normalize, ComputeDtype dtype) implements Mlp {

    @Override
    public NDArray apply(NDArray x) {
        Shape shape = x.getShape();
        long hidden = shape.get(shape.dimension() - 1);
        NDArray flat = x.reshape(-1, hidden);
        int tokens = (int) flat.getShape().get(0);
        NDList top = ComputeDtype.widen(router.apply(flat)).softmax(-1).topK(topK, -1, true, true);
        NDArray weights = top.get(0);
        if (normalize) {
            weights = weights.div(weights.sum(new int[] {-1}, true));
        }
        weights = dtype.narrow(weights);
        long[] chosen = top.get(1).toLongArray();

        // Pair p = (token p / topK, slot p % topK); order pairs by expert so each expert sees a contiguous slice.
        Integer[] order = new Integer[chosen.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Long.compare(chosen[a], chosen[b]));
        long[] pairOfRow = new long[order.length];
        long[] tokenOfRow = new long[order.length];
        long[] rowOfPair = new long[order.length];
        for (int row = 0; row < order.length; row++) {
            pairOfRow[row] = order[row];
            tokenOfRow[row] = order[row] / topK;
            rowOfPair[order[row]] = row;
        }
        var manager = flat.getManager();
        NDArray grouped = flat.get(new NDIndex("{}", manager.create(tokenOfRow)));
        NDList outputs = new NDList();
        for (int row = 0; row < order.length; ) {
            int expert = (int) chosen[order[row]];
            int end = row;
            while (end < order.length && chosen[order[end]] == expert) {
                end++;
            }
            outputs.add(experts[expert].apply(grouped.get(new NDIndex("{}:{}", row, end))));
            row = end;
        }
        NDArray rowWeights = weights.reshape(-1).get(new NDIndex("{}", manager.create(pairOfRow))).expandDims(-1);
        NDArray weighted = NDArrays.concat(outputs, 0).mul(rowWeights);
        return weighted.get(new NDIndex("{}", manager.create(rowOfPair)))
                .reshape(tokens, topK, hidden).sum(new int[] {1}).reshape(shape);
    }
}
