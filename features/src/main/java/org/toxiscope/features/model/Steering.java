package org.toxiscope.features.model;

import java.util.Map;

/**
 * Vectors added to the residual stream at block outputs: {@code h' = h + v} for every layer in {@code add}, at every
 * position of a sequence from {@code fromPosition} on (0 = prompt and generated alike).
 */
public record Steering(Map<Integer, float[]> add, int fromPosition) {

    public static final Steering NONE = new Steering(Map.of(), 0);

    public boolean isEmpty() {
        return add.isEmpty();
    }
}
