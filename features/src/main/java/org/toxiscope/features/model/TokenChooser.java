package org.toxiscope.features.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token of each sequence from its logits according to a {@link Sampling}; one seeded stream per run. */
final class TokenChooser {

    private final Sampling sampling;
    private final SplittableRandom random;

    TokenChooser(Sampling sampling) {
        this.sampling = sampling;
        this.random = new SplittableRandom(sampling.seed());
    }

    int choose(float[] logits, int offset, int vocab) {
        if (sampling.greedy()) {
            int best = offset;
            for (int i = offset + 1; i < offset + vocab; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best - offset;
        }
        // Candidates sorted by logit (descending, index ascending on ties) so truncation is deterministic; primitive
        // keys (order-preserving logit bits, then index) sort the whole vocabulary without boxing.
        long[] keys = new long[vocab];
        for (int i = 0; i < vocab; i++) {
            int bits = Float.floatToIntBits(logits[offset + i]);
            bits ^= (bits >> 31) & 0x7fffffff;
            keys[i] = ((long) ~bits << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = (int) keys[i];
        }
        int keep = sampling.topK() > 0 ? Math.min(sampling.topK(), vocab) : vocab;
        double max = logits[offset + order[0]] / sampling.temperature();
        double[] weights = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            weights[i] = Math.exp(logits[offset + order[i]] / sampling.temperature() - max);
            total += weights[i];
        }
        // Nucleus: the smallest prefix whose probability mass reaches top-p (at least one token).
        double mass = 0;
        int nucleus = 0;
        while (nucleus < keep) {
            mass += weights[nucleus++] / total;
            if (mass >= sampling.topP()) {
                break;
            }
        }
        double kept = 0;
        for (int i = 0; i < nucleus; i++) {
            kept += weights[i];
        }
        double r = random.nextDouble() * kept;
        for (int i = 0; i < nucleus; i++) {
            r -= weights[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }
}
