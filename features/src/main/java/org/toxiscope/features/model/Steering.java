package org.toxiscope.features.model;

import java.util.Map;

/**
 * Vectors added to the residual stream at block outputs: {@code h' = h + v} for every layer in {@code add}, at every
 * position of a sequence from {@code fromPosition} on (0 = prompt and generated alike), or, when {@code rowFrom} is
 * given, from {@code rowFrom[b]} on in row b (e.g. each row's prompt length, to steer generated tokens only).
 */
public record Steering(Map<Integer, float[]> add, int fromPosition, int[] rowFrom) {

    public static final Steering NONE = new Steering(Map.of(), 0);

    public Steering(Map<Integer, float[]> add, int fromPosition) {
        this(add, fromPosition, null);
    }

    /** Steering from a start position of its own in each row of the batch. */
    public static Steering perRow(Map<Integer, float[]> add, int[] rowFrom) {
        return new Steering(add, 0, rowFrom.clone());
    }

    public boolean isEmpty() {
        return add.isEmpty();
    }
}
