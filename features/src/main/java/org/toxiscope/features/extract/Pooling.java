package org.toxiscope.features.extract;

/**
 * How per-token SAE activations become one vector per text, over the dense post-top-k activations (zero where a
 * feature was not kept at a token): max, mean (sum / tokens), sum, or the last token's.
 */
public enum Pooling {
    MAX, MEAN, SUM, LAST;

    public static Pooling parse(String name) {
        try {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pooling must be one of max, mean, sum, last, not '" + name + "'");
        }
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
