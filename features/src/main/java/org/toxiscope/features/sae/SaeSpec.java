package org.toxiscope.features.sae;

import java.nio.file.Path;

/**
 * Which SAE to use and how, as resolved from the user's argument: the weights file, its format, the residual layer it
 * reads (output of decoder block {@code layer}), k (0 where the activation is not top-k), the activation, whether
 * {@code b_dec} is subtracted from the input first (SAELens {@code apply_b_dec_to_input}), and the weights' SHA-256.
 */
public record SaeSpec(String argument, SaeFormat format, Path weights, int layer, int k, SaeActivation activation,
        boolean subtractDecoderBias, String sha256) {

    public SaeSpec {
        if (activation.isTopK() && k <= 0) {
            throw new IllegalArgumentException(argument + ": a top-k SAE needs k > 0, got " + k);
        }
    }

    /** A one-line provenance description. */
    public String describe() {
        return argument + " (" + format + ", layer " + layer + (k > 0 ? ", k " + k : "") + ", " + activation
                + (subtractDecoderBias ? ", b_dec subtracted from input" : "") + ", sha256 " + sha256 + ")";
    }
}
