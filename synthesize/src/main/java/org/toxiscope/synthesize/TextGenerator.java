package org.toxiscope.synthesize;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.QwenTokenizer;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;

/**
 * Continues text prompts with a model in one batch (KV cache, left padding) and decodes the new tokens, cut at the
 * first end-of-text or end-of-turn token.
 */
public final class TextGenerator {

    /** Qwen's {@code <|endoftext|>} and {@code <|im_end|>}: an answer ends at either, whatever config.json says. */
    private static final int END_OF_TEXT = 151643;
    private static final int END_OF_TURN = 151645;

    private final LanguageModel model;
    private final QwenTokenizer tokenizer;
    private final NDManager manager;
    private final Generator generator;

    public TextGenerator(LanguageModel model, QwenTokenizer tokenizer, NDManager manager) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.generator = new Generator(model);
    }

    public LanguageModel model() {
        return model;
    }

    public QwenTokenizer tokenizer() {
        return tokenizer;
    }

    /** The new tokens of each prompt, cut at the first end token. */
    public int[][] generateTokens(int[][] prompts, int maxNewTokens, Sampling sampling, Steering steering) {
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i].length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty: generation needs at least one token");
            }
        }
        int[][] out;
        try (NDManager scope = manager.newSubManager()) {
            out = generator.generate(scope, prompts, maxNewTokens, sampling, steering, true);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = cutAtEnd(out[i]);
        }
        return out;
    }

    /** The decoded continuations of text prompts. */
    public List<String> generate(List<String> prompts, int maxNewTokens, Sampling sampling) {
        int[][] tokens = generateTokens(tokenizer.encodeAll(prompts), maxNewTokens, sampling, Steering.NONE);
        List<String> out = new ArrayList<>(tokens.length);
        for (int[] t : tokens) {
            out.add(tokenizer.decode(t));
        }
        return out;
    }

    private static int[] cutAtEnd(int[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == END_OF_TEXT || tokens[i] == END_OF_TURN) {
                return Arrays.copyOf(tokens, i);
            }
        }
        return tokens;
    }

    /** A well-mixed seed for batch {@code batch} of feature {@code feature} at {@code layer} (SplitMix64 finaliser). */
    public static long batchSeed(long seed, int layer, int feature, int batch) {
        long z = seed;
        for (long part : new long[] {layer, feature, batch}) {
            z = mix(z + 0x9E3779B97F4A7C15L * (part + 1));
        }
        return z;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
