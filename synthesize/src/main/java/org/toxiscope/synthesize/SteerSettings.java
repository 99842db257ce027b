package org.toxiscope.synthesize;

/**
 * How steered generation runs: the alpha schedule (batch b uses {@code alphas[b % n]}), raw or unit-norm decoder
 * direction, steering of generated tokens only or of prompt and generated tokens, sampling (greedy, or temperature /
 * top-p / top-k from {@code seed}), new tokens per example and rows per batch.
 */
public record SteerSettings(double[] alphas, boolean unitNorm, boolean generatedOnly, boolean greedy,
                            double temperature, double topP, int topK, long seed, int maxNewTokens, int batch) {

    public SteerSettings {
        if (alphas.length == 0) {
            throw new IllegalArgumentException("the alpha schedule is empty");
        }
        if (maxNewTokens <= 0 || batch <= 0) {
            throw new IllegalArgumentException("new tokens and batch size must be > 0");
        }
        alphas = alphas.clone();
    }
}
