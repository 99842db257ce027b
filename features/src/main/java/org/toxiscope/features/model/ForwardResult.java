package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The output of one forward call over a left-padded batch of width T: residuals per captured block ([B, T, H]), and
 * next-token logits at the last position ([B, V]) when asked, both float32 whatever the model's dtype; {@code padding[b]} leading positions of row b are padding.
 */
public record ForwardResult(Map<Integer, NDArray> residuals, NDArray lastLogits, int[] padding) {
}
