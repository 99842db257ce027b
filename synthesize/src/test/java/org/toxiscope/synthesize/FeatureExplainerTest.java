package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class FeatureExplainerTest {

    @Test
    void topIndicesAreLargestFirstWithLowerIndexOnTies() {
        float[] s = {0.1f, 5f, -2f, 5f, 3f, 7f, 0f};
        assertArrayEquals(new int[] {5, 1, 3}, FeatureExplainer.topIndices(s, 3));
        assertArrayEquals(new int[] {5, 1, 3, 4, 0, 6, 2}, FeatureExplainer.topIndices(s, 20));
        assertArrayEquals(new int[0], FeatureExplainer.topIndices(s, 0));
    }
}
