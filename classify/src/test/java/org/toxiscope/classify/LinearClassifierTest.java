package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.tribuo.classification.LabelFactory;

class LinearClassifierTest {

    private final FeatureTable train = Tables.synthetic(600, 1, "en");
    private final FeatureTable test = Tables.synthetic(300, 2, "en");

    private static Map<Integer, int[]> allOfLayer12() {
        Map<Integer, int[]> m = new TreeMap<>();
        m.put(12, null);
        return m;
    }

    private static int[] all(FeatureTable t) {
        int[] rows = new int[t.size()];
        Arrays.setAll(rows, i -> i);
        return rows;
    }

    private double accuracy(LinearClassifier c, int label) {
        int right = 0;
        for (int r = 0; r < test.size(); r++) {
            boolean predicted = c.score(test, r) >= c.defaultThreshold();
            if (predicted == test.label(label, r)) {
                right++;
            }
        }
        return (double) right / test.size();
    }

    @Test
    void logregSeparatesAndMatchesTribuosProbability() {
        LinearClassifier c = LinearClassifier.train(train, 0, all(train), allOfLayer12(),
                LinearSettings.defaults(Method.LOGREG, 42));
        assertTrue(accuracy(c, 0) > 0.9, "accuracy " + accuracy(c, 0));
        for (int r = 0; r < 20; r++) {
            var tribuo = c.model().predict(LinearClassifier.example(test, r, allOfLayer12(), ValueTransform.LOG1P,
                    new LinearClassifier.FeatureNames(), LabelFactory.UNKNOWN_LABEL, 1f));
            double p = tribuo.getOutputScores().get(LinearClassifier.POSITIVE).getScore();
            assertEquals(p, c.score(test, r), 1e-9, "row " + r);
        }
    }

    @Test
    void svmSeparatesAndScoresTheMargin() {
        LinearClassifier c = LinearClassifier.train(train, 0, all(train), allOfLayer12(),
                LinearSettings.defaults(Method.SVM, 42));
        assertEquals(0.0, c.defaultThreshold());
        assertTrue(accuracy(c, 0) > 0.9, "accuracy " + accuracy(c, 0));
        for (int r = 0; r < 20; r++) {
            var scores = c.model().predict(LinearClassifier.example(test, r, allOfLayer12(), ValueTransform.LOG1P,
                    new LinearClassifier.FeatureNames(), LabelFactory.UNKNOWN_LABEL, 1f)).getOutputScores();
            double margin = scores.get(LinearClassifier.POSITIVE).getScore() - scores.get(LinearClassifier.NEGATIVE).getScore();
            assertEquals(margin, c.score(test, r), 1e-9, "row " + r);
        }
    }

    @Test
    void topNByDeltaRestrictsTheFeatures() {
        DeltaTable d = Discovery.run(train, 0);
        Map<Integer, int[]> top = LinearClassifier.topByDelta(d, List.of(12), 20);
        LinearClassifier c = LinearClassifier.train(train, 0, all(train), top, LinearSettings.defaults(Method.LOGREG, 1));
        // 20 features plus the constant
        assertEquals(21, c.model().getFeatureIDMap().size());
        assertTrue(accuracy(c, 0) > 0.9);
    }

    @Test
    void explanationListsSignalFeaturesWithTokenPositions() {
        LinearClassifier c = LinearClassifier.train(train, 0, all(train), allOfLayer12(),
                LinearSettings.defaults(Method.LOGREG, 42));
        LabelClassifier lc = new LabelClassifier("toxic", c, Thresholds.global(0.5));
        Prediction p = lc.predict(test, 0); // row 0 is toxic
        assertTrue(p.toxic());
        assertFalse(p.explanation().isEmpty());
        Contribution top = p.explanation().get(0);
        assertEquals(12, top.layer());
        assertTrue(top.feature() < 20, "a toxic signal feature, got " + top);
        assertEquals(test.vector(12, 0).positionOf(top.feature()), top.position());
        assertEquals(test.vector(12, 0).get(top.feature()), top.activation());
        for (int i = 1; i < p.explanation().size(); i++) {
            assertTrue(p.explanation().get(i - 1).contribution() >= p.explanation().get(i).contribution());
        }
    }

    @Test
    void classWeightsBalanceASkewedSet() {
        // keep every clean row but only one toxic row in ten
        int[] skewed = Arrays.stream(all(train)).filter(r -> !train.label(0, r) || r % 20 == 0).toArray();
        LinearSettings weighted = LinearSettings.defaults(Method.LOGREG, 42);
        LinearSettings plain = new LinearSettings(Method.LOGREG, weighted.epochs(), weighted.learningRate(),
                weighted.values(), false, 42);
        double withWeights = meanToxicScore(LinearClassifier.train(train, 0, skewed, allOfLayer12(), weighted));
        double without = meanToxicScore(LinearClassifier.train(train, 0, skewed, allOfLayer12(), plain));
        assertTrue(withWeights > without, "weighted " + withWeights + " vs unweighted " + without);
        assertTrue(withWeights > 0.5, "weighted mean P(toxic) on toxic rows " + withWeights);
    }

    private double meanToxicScore(LinearClassifier c) {
        double sum = 0;
        int n = 0;
        for (int r = 0; r < test.size(); r++) {
            if (test.label(0, r)) {
                sum += c.score(test, r);
                n++;
            }
        }
        return sum / n;
    }
}
