package org.toxiscope.features.model;

/**
 * How the next token is chosen: greedy (argmax, first index on ties) or sampled with temperature, top-k and top-p
 * (nucleus) from a seeded generator, so that the same seed gives the same tokens.
 */
public record Sampling(boolean greedy, double temperature, int topK, double topP, long seed) {

    public static final Sampling GREEDY = new Sampling(true, 1.0, 0, 1.0, 0);

    public Sampling {
        if (!greedy && !(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0 for sampling (use greedy instead)");
        }
        if (topP <= 0 || topP > 1) {
            throw new IllegalArgumentException("top-p must be in (0, 1]");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off)");
        }
    }
}
