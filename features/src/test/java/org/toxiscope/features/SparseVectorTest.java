package org.toxiscope.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SparseVectorTest {

    @Test
    void looksUpValuesAndPositions() {
        SparseVector v = new SparseVector(new int[] {2, 7}, new float[] {1.5f, -3f}, new int[] {0, 4});
        assertEquals(1.5f, v.get(2));
        assertEquals(0f, v.get(3));
        assertEquals(4, v.positionOf(7));
        assertEquals(-1, v.positionOf(5));
    }

    @Test
    void rejectsUnsortedIndices() {
        assertThrows(IllegalArgumentException.class, () -> new SparseVector(new int[] {3, 1}, new float[] {1, 2}));
    }
}
