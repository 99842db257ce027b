package org.toxiscope.features.model;

import java.util.Set;

/**
 * What one forward call should produce: residuals captured at the outputs of the listed blocks, steering to apply,
 * and whether next-token logits are needed (without them the pass stops after the deepest captured block).
 */
public record ForwardOptions(Set<Integer> capture, Steering steering, boolean logits) {

    public static ForwardOptions logitsOnly(Steering steering) {
        return new ForwardOptions(Set.of(), steering, true);
    }

    public static ForwardOptions residuals(Set<Integer> layers) {
        return new ForwardOptions(layers, Steering.NONE, false);
    }

    /** The last block that must run: the deepest capture, or the last block when logits are wanted. */
    int lastBlock(int numLayers) {
        int last = capture.stream().mapToInt(Integer::intValue).max().orElse(-1);
        return logits ? numLayers - 1 : last;
    }
}
