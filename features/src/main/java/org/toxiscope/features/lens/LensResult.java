package org.toxiscope.features.lens;

/**
 * One feature read by the lens over {@code positions} token positions: one score per vocabulary entry for the value
 * side ({@code U . final_norm(mv)}), the key side (centred cosine of {@code mk} with each token embedding) and the
 * logit-lens baseline ({@code U . final_norm(W_dec[:, f])}), and the linearity statistics of each side.
 */
public record LensResult(float[] value, float[] key, float[] logitLens, long positions, LinearityStats valueStats,
                         LinearityStats keyStats) {
}
