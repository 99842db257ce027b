package org.toxiscope.features.model;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * Continues a batch of prompts token by token with a KV cache: one prefill of all prompts, then one forward step per
 * new token; steering applies at prefill and every step. A sequence stops at end-of-text when {@code stopAtEos}.
 * Prompt plus new tokens must fit the model's {@code max_position_embeddings}.
 */
public final class Generator {

    private final LanguageModel model;

    public Generator(LanguageModel model) {
        if (!model.hasHead()) {
            throw new IllegalArgumentException("generation needs the whole model (it was loaded up to a block only)");
        }
        this.model = model;
    }

    /**
     * Refuses {@code maxNewTokens} (named {@code what} in the message) when the longest of {@code prompts} plus that
     * many tokens would run past the model's {@code max_position_embeddings}: the cache, positions and outputs of
     * generation grow with it, so an absurd value must fail at once, never allocate.
     */
    public static void checkLength(ModelConfig config, int[][] prompts, int maxNewTokens, String what) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + maxNewTokens);
        }
        int limit = config.maxPositionEmbeddings();
        int longest = 0;
        for (int[] p : prompts) {
            longest = Math.max(longest, p.length);
        }
        if (limit > 0 && (long) longest + maxNewTokens > limit) {
            throw new IllegalArgumentException(what + " " + maxNewTokens + " is too many: the longest prompt has "
                    + longest + " tokens and the model positions " + limit + " (max_position_embeddings), so at most "
                    + Math.max(0, limit - longest) + " new tokens fit");
        }
    }

    /** Takes each new token as soon as it is chosen, before the next step runs. */
    public interface TokenSink {
        void token(int row, int index, int token);
    }

    /** The new tokens of each prompt (at most {@code maxNewTokens}, fewer where end-of-text came first). */
    public int[][] generate(NDManager manager, int[][] prompts, int maxNewTokens, Sampling sampling, Steering steering,
                            boolean stopAtEos) {
        return generate(manager, prompts, maxNewTokens, sampling, steering, stopAtEos, (row, index, token) -> { });
    }

    /**
     * {@link #generate(NDManager, int[][], int, Sampling, Steering, boolean)}, handing {@code sink} every new token
     * of every row as it comes (for streaming); an exception of the sink ends the generation.
     */
    public int[][] generate(NDManager manager, int[][] prompts, int maxNewTokens, Sampling sampling, Steering steering,
                            boolean stopAtEos, TokenSink sink) {
        checkLength(model.config(), prompts, maxNewTokens, "max new tokens");
        int batch = prompts.length;
        int vocab = model.config().vocabSize();
        int eos = model.config().eosTokenId();
        TokenChooser chooser = new TokenChooser(sampling);
        // Grown as tokens come (a model without max_position_embeddings bounds nothing in advance).
        int[][] out = new int[batch][Math.min(maxNewTokens, 256)];
        int[] produced = new int[batch];
        boolean[] done = new boolean[batch];
        try (DecodeState state = model.newState(manager, batch)) {
            int[][] step = prompts;
            for (int t = 0; t < maxNewTokens; t++) {
                float[] logits;
                try (NDManager local = manager.newSubManager()) {
                    logits = model.forward(local, step, state, ForwardOptions.logitsOnly(steering)).lastLogits()
                            .toFloatArray();
                }
                int[][] next = new int[batch][1];
                boolean all = true;
                for (int b = 0; b < batch; b++) {
                    int token = chooser.choose(logits, b * vocab, vocab);
                    next[b][0] = token;
                    if (!done[b]) {
                        if (produced[b] == out[b].length) {
                            out[b] = Arrays.copyOf(out[b], (int) Math.min(maxNewTokens, 2L * out[b].length));
                        }
                        sink.token(b, produced[b], token);
                        out[b][produced[b]++] = token;
                        done[b] = stopAtEos && token == eos;
                    }
                    all &= done[b];
                }
                if (all) {
                    break;
                }
                step = next;
            }
        }
        int[][] result = new int[batch][];
        for (int b = 0; b < batch; b++) {
            result[b] = Arrays.copyOf(out[b], produced[b]);
        }
        return result;
    }
}
