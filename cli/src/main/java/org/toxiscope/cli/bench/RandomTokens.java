package org.toxiscope.cli.bench;

import java.util.Random;

/** Reproducible random token ids for benchmark inputs: the same seed gives the same ids. */
final class RandomTokens {

    private RandomTokens() {
    }

    /** {@code batch} rows of {@code length} ids below {@code vocab}, drawn from {@code seed}. */
    static int[][] ids(int batch, int length, int vocab, long seed) {
        Random random = new Random(seed);
        int[][] tokens = new int[batch][length];
        for (int[] row : tokens) {
            for (int i = 0; i < length; i++) {
                row[i] = random.nextInt(vocab);
            }
        }
        return tokens;
    }
}
