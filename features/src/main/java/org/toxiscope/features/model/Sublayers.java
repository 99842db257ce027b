package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * A loaded model's blocks taken apart for lenses: the token embedding, each block's two norms and two sublayers
 * (the mixer over a whole left-padded batch of texts, with a fresh decoding state per call so nothing carries over
 * between calls, and the MLP) applied one at a time, the final norm and the embedding and unembedding matrices.
 * Block {@code l} is {@code h = x + mix(inputNorm(x)); out = h + mlp(postAttentionNorm(h))}, exactly as the forward
 * pass runs it. Every operation keeps the floating dtype it is given (float64 included, for finite differences) and
 * records autograd history where the caller's grad mode asks for it. Results belong to the input's manager.
 */
public final class Sublayers {

    /** A left-padded batch of whole texts as the mixers see it: positions, padding and the causal mask. */
    public static final class Texts {

        private final BatchLayout layout;
        private final int blocks;

        private Texts(BatchLayout layout, int blocks) {
            this.layout = layout;
            this.blocks = blocks;
        }

        public int batch() {
            return layout.batch();
        }

        /** Columns of the batch: the longest text's length. */
        public int width() {
            return layout.width();
        }

        /** Leading padding positions of each row. */
        public int[] padding() {
            return layout.padding().clone();
        }

        /** [B, T] float32: 1 at real tokens, 0 at padding, in the manager the texts were laid out in. */
        public NDArray realTokens() {
            return layout.realTokens();
        }

        /** [B, T] int64 token ids (0 at padding). */
        NDArray tokens() {
            return layout.tokens();
        }
    }

    private final NDArray embeddings;
    private final DecoderBlock[] blocks;
    private final RmsNorm finalNorm;
    private final NDArray unembedding;

    Sublayers(NDArray embeddings, DecoderBlock[] blocks, RmsNorm finalNorm, NDArray unembedding) {
        this.embeddings = embeddings;
        this.blocks = blocks;
        this.finalNorm = finalNorm;
        this.unembedding = unembedding;
    }

    /** Blocks loaded. */
    public int blocks() {
        return blocks.length;
    }

    /** {@code tokens} (one row per text, ragged) left-padded into one batch whose arrays belong to {@code manager}. */
    public Texts texts(NDManager manager, int[][] tokens) {
        try (DecodeState empty = new DecodeState(manager, tokens.length, blocks.length)) {
            return new Texts(BatchLayout.of(manager, tokens, empty), blocks.length);
        }
    }

    /** [B, T, H] token embeddings of the batch (the embedding of id 0 at padding), in {@code manager}. */
    public NDArray embed(NDManager manager, Texts texts) {
        return embeddings.get(manager, new NDIndex("{}", texts.tokens()));
    }

    /** [V, H] token embeddings. */
    public NDArray embeddings() {
        return embeddings;
    }

    /** [V, H] unembedding (the lm_head, or the embeddings where tied); IllegalStateException without the head. */
    public NDArray unembedding() {
        requireHead();
        return unembedding;
    }

    /** Block {@code block}'s input_layernorm of the residual {@code x} [B, T, H]. */
    public NDArray inputNorm(int block, NDArray x) {
        return blocks[block].inputNorm().apply(x);
    }

    /** Block {@code block}'s attention (or linear attention) on its normed input {@code a} over the whole texts. */
    public NDArray mix(int block, NDArray a, Texts texts) {
        if (texts.blocks != blocks.length) {
            throw new IllegalArgumentException("the texts were laid out for another model");
        }
        try (DecodeState state = new DecodeState(a.getManager(), texts.batch(), blocks.length)) {
            return blocks[block].mixer().apply(a, texts.layout, state);
        }
    }

    /** Block {@code block}'s post_attention_layernorm of the mid-block residual {@code h}. */
    public NDArray postAttentionNorm(int block, NDArray h) {
        return blocks[block].postAttentionNorm().apply(h);
    }

    /** Block {@code block}'s MLP (dense, sparse MoE or MoE with shared expert) on its normed input {@code m}. */
    public NDArray mlp(int block, NDArray m) {
        return blocks[block].mlp().apply(m);
    }

    /** The final RMSNorm of {@code x} [..., H]; IllegalStateException without the head. */
    public NDArray finalNorm(NDArray x) {
        requireHead();
        return finalNorm.apply(x);
    }

    private void requireHead() {
        if (unembedding == null) {
            throw new IllegalStateException("the final norm and unembedding are not loaded");
        }
    }
}
