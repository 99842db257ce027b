package org.toxiscope.features.model;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * Continues a batch of prompts token by token with a KV cache: one prefill of all prompts, then one forward step per
 * new token; steering applies at prefill and every step. A sequence stops at end-of-text when {@code stopAtEos}.
 */
public final class Generator {

    private final LanguageModel model;

    public Generator(LanguageModel model) {
        if (!model.hasHead()) {
            throw new IllegalArgumentException("generation needs the whole model (it was loaded up to a block only)");
        }
        this.model = model;
    }

    /** The new tokens of each prompt (at most {@code maxNewTokens}, fewer where end-of-text came first). */
    public int[][] generate(NDManager manager, int[][] prompts, int maxNewTokens, Sampling sampling, Steering steering,
                            boolean stopAtEos) {
        int batch = prompts.length;
        int vocab = model.config().vocabSize();
        int eos = model.config().eosTokenId();
        TokenChooser chooser = new TokenChooser(sampling);
        int[][] out = new int[batch][maxNewTokens];
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
