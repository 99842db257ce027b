package org.toxiscope.features.extract;

/**
 * How texts become features: pooling, whether per-token codes are kept, the token limit per text ({@code maxTokens},
 * 0 = none; longer texts are truncated and counted, never silently), and the batch budget in padded tokens.
 */
public record ExtractionSettings(Pooling pooling, boolean perToken, int maxTokens, int batchTokens, int maxBatch) {

    public static final ExtractionSettings DEFAULT = new ExtractionSettings(Pooling.MAX, false, 0, 4096, 32);

    public ExtractionSettings {
        if (maxTokens < 0 || batchTokens <= 0 || maxBatch <= 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, batch sizes > 0");
        }
    }

    public ExtractionSettings withPooling(Pooling p) {
        return new ExtractionSettings(p, perToken, maxTokens, batchTokens, maxBatch);
    }
}
