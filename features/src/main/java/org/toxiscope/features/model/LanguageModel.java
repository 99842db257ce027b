package org.toxiscope.features.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * A causal language model whose residual stream can be read and steered at block outputs. Forward calls take the
 * new tokens of each sequence (ragged: the batch is left-padded) and a {@link DecodeState} carrying the earlier ones.
 */
public interface LanguageModel extends AutoCloseable {

    /**
     * Builds the runtime {@code config}'s model type needs (Qwen3 / Qwen3-MoE, or the hybrid Qwen3.5 family) from
     * {@code weights} in {@code dtype}: blocks {@code 0..lastBlock} only, or everything with the head when -1.
     */
    static LanguageModel load(ModelConfig config, Weights weights, Device device, ComputeDtype dtype, int lastBlock) {
        return config.isHybrid() ? Qwen35Model.load(config, weights, device, dtype, lastBlock)
                : Qwen3Model.load(config, weights, device, dtype, lastBlock);
    }

    /** The dtype the weights are held and computed in. */
    ComputeDtype dtype();

    ModelConfig config();

    /** Blocks loaded (early exit loads only blocks 0..n-1); logits need all of them plus the head. */
    int loadedBlocks();

    /** Whether the final norm and unembedding are loaded (needed for logits and generation). */
    boolean hasHead();

    /** A fresh, empty decoding state for {@code batch} sequences, owned by a sub-manager of {@code manager}. */
    DecodeState newState(NDManager manager, int batch);

    /**
     * Runs the new tokens of each sequence through the model and appends them to {@code state}; results are owned
     * by {@code manager}.
     */
    ForwardResult forward(NDManager manager, int[][] tokens, DecodeState state, ForwardOptions options);

    /** The loaded blocks as separately applicable sublayers, for lenses that linearise them one at a time. */
    Sublayers sublayers();

    /** Logit lens: the residual-space {@code direction} [H] through the unembedding, giving one score per token [V]. */
    float[] unembed(float[] direction, NDManager manager);

    @Override
    void close();
}
