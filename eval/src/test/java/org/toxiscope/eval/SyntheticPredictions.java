package org.toxiscope.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic test predictions: several languages of differing difficulty, one of them clean-only. */
final class SyntheticPredictions {

    private SyntheticPredictions() {
    }

    /** Probabilistic scores whose separation grows with skill (0 = chance); "sw" has clean rows only. */
    static List<ScoredExample> generate(long seed, double skill, int perLanguage) {
        Random random = new Random(seed);
        List<ScoredExample> rows = new ArrayList<>();
        String[] langs = {"de", "en", "fr", "zh", "sw"};
        double[] ease = {1.0, 1.3, 0.9, 0.6, 1.0};
        for (int l = 0; l < langs.length; l++) {
            for (int i = 0; i < perLanguage; i++) {
                boolean gold = !langs[l].equals("sw") && random.nextDouble() < 0.35;
                double logit = (gold ? 1 : -1) * skill * ease[l] + random.nextGaussian();
                double score = 1 / (1 + Math.exp(-logit));
                rows.add(new ScoredExample(langs[l] + "-" + i, langs[l], gold, score, score >= 0.5));
            }
        }
        return rows;
    }
}
