package org.toxiscope.classify;

/**
 * What a linear model sees of a pooled activation; a feature that does not fire (activation at most
 * {@link Discovery#EPS}) is always 0, so negative top-k values of an SAE without ReLU never count.
 */
public enum ValueTransform {
    /** The activation itself. */
    ACTIVATION,
    /** {@code log(1 + a)}: keeps order but tames the long tail of SAE activations. */
    LOG1P,
    /** 1 when the feature fires (the rule's view). */
    BINARY;

    public double apply(float activation) {
        if (!(activation > Discovery.EPS)) {
            return 0;
        }
        return switch (this) {
            case ACTIVATION -> activation;
            case LOG1P -> Math.log1p(activation);
            case BINARY -> 1;
        };
    }
}
