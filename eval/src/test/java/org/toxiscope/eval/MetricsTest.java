package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.toxiscope.classify.ConfusionMatrix;

class MetricsTest {

    private static final double EPS = 1e-12;

    /**
     * English: 4 toxic, 4 clean; scores tie at 0.8 (one toxic, one clean) and at 0.4 (one toxic, two clean); the hard
     * decision is score >= 0.7. French: clean only. German: clean only, all predicted clean.
     */
    static List<ScoredExample> fixture() {
        return List.of(
                new ScoredExample("a1", "en", true, 0.9, true),
                new ScoredExample("a2", "en", true, 0.8, true),
                new ScoredExample("a3", "en", false, 0.8, true),
                new ScoredExample("a4", "en", true, 0.6, false),
                new ScoredExample("a5", "en", false, 0.4, false),
                new ScoredExample("a6", "en", false, 0.4, false),
                new ScoredExample("a7", "en", true, 0.4, false),
                new ScoredExample("a8", "en", false, 0.1, false),
                new ScoredExample("f1", "fr", false, 0.7, true),
                new ScoredExample("f2", "fr", false, 0.2, false),
                new ScoredExample("d1", "de", false, 0.3, false));
    }

    private static BinaryMetrics english() {
        return Metrics.compute(Predictions.of(fixture()).forLanguage("en"), MetricsConfig.DEFAULT);
    }

    @Test
    void confusionAndHardDecisionMetricsMatchHandComputation() {
        BinaryMetrics m = english();
        // TP = a1,a2; FP = a3; FN = a4,a7; TN = a5,a6,a8.
        assertEquals(new ConfusionMatrix(2, 1, 2, 3), m.confusion());
        assertEquals(8, m.n());
        assertEquals(4, m.positives());
        assertEquals(4, m.negatives());
        assertEquals(5.0 / 8, m.accuracy(), EPS);          // (2 + 3) / 8
        assertEquals(2.0 / 3, m.precision(), EPS);         // 2 / (2 + 1)
        assertEquals(0.5, m.recall(), EPS);                // 2 / (2 + 2)
        assertEquals(4.0 / 7, m.f1(), EPS);                // 2*2 / (2*2 + 1 + 2)
        assertEquals(2.0 / 3, m.f1Clean(), EPS);           // 2*3 / (2*3 + 1 + 2)
        assertEquals(13.0 / 21, m.macroF1(), EPS);         // (4/7 + 2/3) / 2
    }

    @Test
    void aurocCountsTiesAsHalf() {
        // Pairs toxic x clean = 16. Toxic 0.9 beats all 4 clean (4); 0.8 beats 0.4,0.4,0.1 and ties 0.8 (3.5);
        // 0.6 beats 0.4,0.4,0.1 (3); 0.4 beats 0.1 and ties two 0.4 (2). (4 + 3.5 + 3 + 2) / 16 = 12.5 / 16.
        assertEquals(12.5 / 16, english().auroc(), EPS);
    }

    @Test
    void averagePrecisionGroupsEqualScores() {
        // Thresholds high to low (TP, FP): 0.9 (1,0) R .25 P 1; 0.8 (2,1) R .5 P 2/3; 0.6 (3,1) R .75 P 3/4;
        // 0.4 (4,3) R 1 P 4/7; 0.1 adds no recall. AP = .25*1 + .25*2/3 + .25*3/4 + .25*4/7 = 251/336.
        assertEquals(251.0 / 336, english().averagePrecision(), EPS);
    }

    @Test
    void thresholdAnalysisFindsBestF1OverDistinctScores() {
        ThresholdAnalysis t = english().thresholds();
        // F1 = 2TP / (TP + FP + P): 0.9 -> 2/5, 0.8 -> 4/7, 0.6 -> 6/8, 0.4 -> 8/11, 0.1 -> 8/12.
        assertEquals(5, t.distinctThresholds());
        assertEquals(0.6, t.best().threshold(), EPS);
        assertEquals(0.75, t.best().f1(), EPS);
        assertEquals(0.75, t.best().precision(), EPS);
        assertEquals(0.75, t.best().recall(), EPS);
        double[] expectedF1 = {0.4, 4.0 / 7, 0.75, 8.0 / 11, 8.0 / 12};
        for (int i = 0; i < expectedF1.length; i++) {
            assertEquals(expectedF1[i], t.curve().get(i).f1(), EPS, "point " + i);
        }
    }

    @Test
    void bestThresholdPrefersTheHighestOnEqualF1() {
        // P = 3. F1 = 2TP / (TP + FP + P): 0.9 -> 2/4, 0.8 -> 2/5, 0.7 -> 4/6, 0.6 -> 4/7, 0.5 -> 4/8,
        // 0.4 -> 6/9. 0.7 and 0.4 tie at 2/3; the higher threshold must win.
        List<ScoredExample> rows = List.of(
                new ScoredExample("1", "x", true, 0.9, true), new ScoredExample("2", "x", false, 0.8, true),
                new ScoredExample("3", "x", true, 0.7, true), new ScoredExample("4", "x", false, 0.6, false),
                new ScoredExample("5", "x", false, 0.5, false), new ScoredExample("6", "x", true, 0.4, false));
        ThresholdPoint best = Metrics.compute(Predictions.of(rows), MetricsConfig.DEFAULT).thresholds().best();
        assertEquals(0.7, best.threshold(), EPS);
        assertEquals(2.0 / 3, best.f1(), EPS);
    }

    @Test
    void reliabilityBinsAndEceMatchHandComputation() {
        Calibration c = english().calibration();
        assertNotNull(c);
        assertEquals(10, c.bins().size());
        // Bin 8 = [0.8, 0.9): a2 (toxic) and a3 (clean): mean 0.8, observed 1/2.
        ReliabilityBin b8 = c.bins().get(8);
        assertEquals(2, b8.count());
        assertEquals(0.8, b8.meanScore(), EPS);
        assertEquals(0.5, b8.observedRate(), EPS);
        // Bin 4 = [0.4, 0.5): a5, a6 clean, a7 toxic.
        assertEquals(3, c.bins().get(4).count());
        assertEquals(1.0 / 3, c.bins().get(4).observedRate(), EPS);
        assertNull(c.bins().get(0).meanScore());
        // ECE = (1*|1-.9| + 2*|.5-.8| + 1*|1-.6| + 3*|1/3-.4| + 1*|0-.1|) / 8 = (.1 + .6 + .4 + .2 + .1) / 8.
        assertEquals(1.4 / 8, c.ece(), 1e-9);
    }

    @Test
    void scoreOfOneFallsInTheLastBinAndRealScoresHaveNoCalibration() {
        List<ScoredExample> rows = List.of(new ScoredExample("1", null, true, 1.0, true),
                new ScoredExample("2", null, false, 0.0, false));
        BinaryMetrics m = Metrics.compute(Predictions.of(rows), MetricsConfig.DEFAULT);
        assertEquals(1, m.calibration().bins().get(9).count());
        assertEquals(1, m.calibration().bins().get(0).count());
        assertEquals(0.0, m.calibration().ece(), EPS);

        List<ScoredExample> margins = List.of(new ScoredExample("1", null, true, 2.5, true),
                new ScoredExample("2", null, false, -1.0, false));
        BinaryMetrics real = Metrics.compute(Predictions.of(margins), MetricsConfig.DEFAULT);
        assertFalse(real.scoresAreProbabilities());
        assertNull(real.calibration());
        assertEquals(1.0, real.auroc(), EPS);
    }

    @Test
    void oneClassLanguageHasNullWhereUndefined() {
        ClassifierEvaluation e = ClassifierEvaluation.evaluate("c", Predictions.of(fixture()), Set.of(),
                MetricsConfig.DEFAULT);
        BinaryMetrics fr = e.languages().get("fr");
        // f1: clean predicted toxic (FP); f2: clean predicted clean (TN).
        assertEquals(new ConfusionMatrix(0, 1, 0, 1), fr.confusion());
        assertEquals(0.5, fr.accuracy(), EPS);
        assertEquals(0.0, fr.precision(), EPS);     // 0 / (0 + 1)
        assertNull(fr.recall());                     // 0 / 0: no toxic example
        assertEquals(0.0, fr.f1(), EPS);             // 0 / (0 + 1 + 0)
        assertEquals(2.0 / 3, fr.f1Clean(), EPS);    // 2 / (2 + 1 + 0)
        assertEquals(1.0 / 3, fr.macroF1(), EPS);
        assertNull(fr.auroc());
        assertNull(fr.averagePrecision());
        assertNull(fr.aurocCi());
        assertNull(fr.thresholds());
        assertNull(fr.roc());
        assertNull(fr.pr());
        assertEquals((0.7 + 0.2) / 2, fr.calibration().ece(), EPS);

        BinaryMetrics de = e.languages().get("de");
        assertNull(de.f1());                         // 0 / 0: nothing toxic, nothing predicted toxic
        assertNull(de.macroF1());
        assertNull(de.f1Ci());
        assertEquals(1.0, de.accuracy(), EPS);
    }

    @Test
    void emptyLanguageIsAllNullWithoutCrashing() {
        ClassifierEvaluation e = ClassifierEvaluation.evaluate("c", Predictions.of(fixture()), Set.of("xx"),
                MetricsConfig.DEFAULT);
        assertEquals(List.of("de", "en", "fr", "xx"), List.copyOf(e.languages().keySet()));
        BinaryMetrics xx = e.languages().get("xx");
        assertEquals(0, xx.n());
        assertEquals(new ConfusionMatrix(0, 0, 0, 0), xx.confusion());
        assertNull(xx.accuracy());
        assertNull(xx.precision());
        assertNull(xx.recall());
        assertNull(xx.f1());
        assertNull(xx.macroF1());
        assertNull(xx.auroc());
        assertNull(xx.averagePrecision());
        assertNull(xx.f1Ci());
        assertNull(xx.aurocCi());
        assertNull(xx.calibration());
        assertNull(xx.thresholds());
        assertEquals(11, e.overall().n());
    }

    @Test
    void rowsWithoutLanguageGoUnderUnd() {
        Predictions p = Predictions.of(List.of(new ScoredExample("1", null, true, 0.5, true),
                new ScoredExample("2", " ", false, 0.5, false)));
        assertEquals(Set.of(Predictions.UNKNOWN_LANGUAGE), p.languages());
    }

    @Test
    void nonFiniteScoreIsRejectedWithTheId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScoredExample("row7", "en", true, Double.NaN, true));
        assertTrue(e.getMessage().contains("row7"), e.getMessage());
    }

    @Test
    void rocAndPrCurvesEndAtTheCorners() {
        BinaryMetrics m = english();
        int last = m.roc().x().length - 1;
        assertEquals(1.0, m.roc().x()[last], EPS);
        assertEquals(1.0, m.roc().y()[last], EPS);
        assertEquals(0.25, m.pr().x()[0], EPS);  // recall at the top threshold 0.9
        assertEquals(1.0, m.pr().y()[0], EPS);
    }

    @Test
    void aurocAndAveragePrecisionMatchBruteForceOnRandomTiedScores() {
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            List<ScoredExample> rows = new ArrayList<>();
            int n = 5 + random.nextInt(60);
            for (int i = 0; i < n; i++) {
                double score = random.nextInt(6) / 5.0;  // few distinct values: many ties
                boolean gold = random.nextDouble() < 0.2 + 0.6 * score;
                rows.add(new ScoredExample("r" + i, "en", gold, score, score >= 0.6));
            }
            BinaryMetrics m = Metrics.compute(Predictions.of(rows), new MetricsConfig(0, 1, 0.95, 10, 200));
            Double expectedAuc = bruteForceAuroc(rows);
            Double expectedAp = bruteForceAp(rows);
            if (expectedAuc == null) {
                assertNull(m.auroc());
            } else {
                assertEquals(expectedAuc, m.auroc(), 1e-12, "trial " + trial);
            }
            if (expectedAp == null) {
                assertNull(m.averagePrecision());
            } else {
                assertEquals(expectedAp, m.averagePrecision(), 1e-12, "trial " + trial);
            }
        }
    }

    /** Every toxic x clean pair: 1 when the toxic one scores higher, 1/2 on a tie. */
    private static Double bruteForceAuroc(List<ScoredExample> rows) {
        double sum = 0;
        long pairs = 0;
        for (ScoredExample a : rows) {
            for (ScoredExample b : rows) {
                if (a.gold() && !b.gold()) {
                    pairs++;
                    sum += a.score() > b.score() ? 1 : a.score() == b.score() ? 0.5 : 0;
                }
            }
        }
        return pairs == 0 ? null : sum / pairs;
    }

    /** For each distinct threshold t: precision(score >= t) times the recall gained over the next higher t. */
    private static Double bruteForceAp(List<ScoredExample> rows) {
        long positives = rows.stream().filter(ScoredExample::gold).count();
        if (positives == 0) {
            return null;
        }
        double[] thresholds = rows.stream().mapToDouble(ScoredExample::score).distinct().sorted().toArray();
        double ap = 0;
        double prevRecall = 0;
        for (int i = thresholds.length - 1; i >= 0; i--) {
            double t = thresholds[i];
            long tp = rows.stream().filter(r -> r.score() >= t && r.gold()).count();
            long all = rows.stream().filter(r -> r.score() >= t).count();
            double recall = (double) tp / positives;
            ap += (recall - prevRecall) * tp / all;
            prevRecall = recall;
        }
        return ap;
    }

    @Test
    void bootstrapIsSeededAndBracketsTheEstimate() {
        List<ScoredExample> rows = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 400; i++) {
            boolean gold = random.nextBoolean();
            double score = Math.min(1, Math.max(0, (gold ? 0.65 : 0.35) + random.nextGaussian() * 0.2));
            rows.add(new ScoredExample("r" + i, "en", gold, score, score >= 0.5));
        }
        Predictions p = Predictions.of(rows);
        BinaryMetrics a = Metrics.compute(p, MetricsConfig.DEFAULT);
        BinaryMetrics b = Metrics.compute(p, MetricsConfig.DEFAULT);
        assertEquals(a.f1Ci(), b.f1Ci());
        assertEquals(a.aurocCi(), b.aurocCi());
        assertEquals(1000, a.f1Ci().resamples());
        assertEquals(1000, a.aurocCi().defined());
        assertTrue(a.f1Ci().low() < a.f1() && a.f1() < a.f1Ci().high(), a.f1Ci() + " vs " + a.f1());
        assertTrue(a.aurocCi().low() < a.auroc() && a.auroc() < a.aurocCi().high());
        // With n = 400 the F1 standard error is about 0.03: the 95% interval spans a few hundredths, not 0 or 0.5.
        double width = a.f1Ci().high() - a.f1Ci().low();
        assertTrue(width > 0.02 && width < 0.25, "width " + width);
        BinaryMetrics other = Metrics.compute(p, new MetricsConfig(1000, 43, 0.95, 10, 200));
        assertNotEquals(a.f1Ci(), other.f1Ci());
    }

    @Test
    void quantileInterpolatesLinearly() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(1.1, Bootstrap.quantile(sorted, 0.025), EPS);   // pos 0.1
        assertEquals(4.9, Bootstrap.quantile(sorted, 0.975), EPS);   // pos 3.9
        assertEquals(3.0, Bootstrap.quantile(sorted, 0.5), EPS);
    }

    @Test
    void curvesAreThinnedButBestThresholdIsExact() {
        List<ScoredExample> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new ScoredExample("r" + i, "en", i % 3 == 0, i / 1000.0, i >= 500));
        }
        BinaryMetrics m = Metrics.compute(Predictions.of(rows), new MetricsConfig(0, 1, 0.95, 10, 50));
        assertEquals(1000, m.thresholds().distinctThresholds());
        assertEquals(50, m.thresholds().curve().size());
        assertEquals(50, m.roc().x().length);
        // Every third example is toxic regardless of score: the best F1 is at the lowest threshold (recall 1).
        assertEquals(0.0, m.thresholds().best().threshold(), EPS);
    }
}
