package org.toxiscope.serve;

/**
 * What one request may ask: texts per request, characters per text, bytes of body, tokens generated, and the
 * milliseconds it may take (queue and model together) before it is answered 504.
 */
public record Limits(int maxTexts, int maxChars, long maxBodyBytes, int maxNewTokens, long timeoutMs) {

    public static final Limits DEFAULT = new Limits(64, 20_000, 2L << 20, 256, 30_000);

    public Limits {
        if (maxTexts < 1 || maxChars < 1 || maxBodyBytes < 1 || maxNewTokens < 1 || timeoutMs < 1) {
            throw new IllegalArgumentException("every limit must be >= 1");
        }
    }
}
