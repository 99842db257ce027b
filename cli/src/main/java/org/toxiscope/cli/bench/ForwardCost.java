package org.toxiscope.cli.bench;

import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.HybridConfig;
import org.toxiscope.features.model.ModelConfig;

/**
 * Weight bytes and matmul FLOPs of a forward pass of a dense Qwen3 or Qwen3.5 shape (every {@link BenchShape}),
 * counted from its config: the projection and MLP matrices, attention over the causally visible keys, the delta
 * rule's state products, the unembedding at each row's last position. Norms, rotary, conv taps and softmax are
 * elementwise work under 1% of the total and not counted.
 */
final class ForwardCost {

    private ForwardCost() {
    }

    /** Elements of block {@code layer}'s matrices (attention or Gated DeltaNet projections, then the MLP). */
    static long blockMatrices(ModelConfig config, int layer) {
        requireDense(config);
        long h = config.hiddenSize();
        long mlp = 3 * h * config.intermediateSize();
        if (config.isHybrid() && HybridConfig.of(config).isLinear(layer)) {
            HybridConfig hybrid = HybridConfig.of(config);
            long keys = (long) hybrid.linearKeyHeads() * hybrid.linearKeyDim();
            long values = (long) hybrid.linearValueHeads() * hybrid.linearValueDim();
            // in_proj_qkv, in_proj_z, in_proj_b and in_proj_a, then out_proj.
            return h * (2 * keys + 2 * values + 2L * hybrid.linearValueHeads()) + values * h + mlp;
        }
        long queries = (long) config.numHeads() * config.headDim();
        boolean gated = config.isHybrid() && HybridConfig.of(config).attentionOutputGate();
        long kv = 2L * config.numKvHeads() * config.headDim();
        return h * ((gated ? 2 : 1) * queries + kv) + queries * h + mlp;
    }

    /**
     * Bytes in {@code dtype} of the embeddings, blocks {@code 0..blocks-1} and, with {@code head}, an untied lm_head:
     * what a load of those blocks holds (norm weights, under 0.1%, not counted).
     */
    static long weightBytes(ModelConfig config, int blocks, boolean head, ComputeDtype dtype) {
        long vocabMatrix = (long) config.vocabSize() * config.hiddenSize();
        long elements = vocabMatrix + (head && !config.tieWordEmbeddings() ? vocabMatrix : 0);
        for (int i = 0; i < blocks; i++) {
            elements += blockMatrices(config, i);
        }
        return elements * dtype.bytes();
    }

    /**
     * Matmul FLOPs of one forward of {@code rows} sequences of {@code tokens} new tokens after {@code past} cached
     * ones through blocks {@code 0..blocks-1}, plus the logits of each row's last position when {@code logits}.
     */
    static double flops(ModelConfig config, int blocks, long rows, long past, long tokens, boolean logits) {
        HybridConfig hybrid = config.isHybrid() ? HybridConfig.of(config) : null;
        // Keys seen by the new tokens together: token t (0-based) attends past + t + 1 positions.
        double visibleKeys = tokens * (double) past + tokens * (tokens + 1) / 2.0;
        double perRow = 0;
        for (int i = 0; i < blocks; i++) {
            perRow += 2.0 * blockMatrices(config, i) * tokens;
            if (hybrid != null && hybrid.isLinear(i)) {
                // Per token and value head: k^T S, the rank-1 state update and q S, each dk x dv multiply-adds.
                perRow += 6.0 * hybrid.linearValueHeads() * hybrid.linearKeyDim() * hybrid.linearValueDim() * tokens;
            } else {
                // q k^T and (softmax) v: per head, 2 x headDim multiply-adds per visible key.
                perRow += 4.0 * config.numHeads() * config.headDim() * visibleKeys;
            }
        }
        if (logits) {
            perRow += 2.0 * config.hiddenSize() * config.vocabSize();
        }
        return rows * perRow;
    }

    private static void requireDense(ModelConfig config) {
        if (config.moe().numExperts() > 0) {
            throw new IllegalArgumentException("benchmark FLOPs are counted for dense shapes only, not "
                    + config.modelType());
        }
    }
}
