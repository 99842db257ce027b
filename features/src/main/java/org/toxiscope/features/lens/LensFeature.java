package org.toxiscope.features.lens;

/**
 * A feature for the lens: the block {@code layer} whose output its SAE reads, its decoder direction
 * {@code W_dec[:, f]} (value side) and its encoder row {@code W_enc[f, :]} (key side), both [H].
 */
public record LensFeature(int layer, float[] decoder, float[] encoder) {
}
