package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreScalingTest {

    private final FeatureTable data = Tables.synthetic(1000, 5, "en", "de");
    private final FeatureTable unseen = Tables.synthetic(300, 6, "en", "de");

    private static TrainConfig config(Method m) {
        return m == Method.RULE ? new TrainConfig(Method.RULE, TrainConfig.LayerChoice.BEST, 0, 10, 1.0, 0.2, 42, true,
                null) : new TrainConfig(m, TrainConfig.LayerChoice.BEST, 0, 0, 1.0, 0.2, 42, true,
                LinearSettings.defaults(m, 42));
    }

    @Test
    void everyMethodScoresInTheUnitIntervalWithTheRawDecisions() {
        for (Method m : Method.values()) {
            ClassifierBundle bundle = ClassifierTrainer.train(data, config(m), ClassifierBundleTest.EXTRACTION, "sha",
                    "0.1.0").bundle();
            for (LabelClassifier c : bundle.classifiers()) {
                assertEquals(200, c.scaling().fittedOn(), m + " " + c.label() + " is fitted on the validation rows");
                double lastRaw = Double.NEGATIVE_INFINITY;
                double lastScore = -1;
                Integer[] order = new Integer[unseen.size()];
                for (int r = 0; r < order.length; r++) {
                    order[r] = r;
                }
                Arrays.sort(order, (a, b) -> Double.compare(c.scorer().score(unseen, a),
                        c.scorer().score(unseen, b)));
                for (int r : order) {
                    Prediction p = c.predict(unseen, r);
                    double raw = c.scorer().score(unseen, r);
                    assertEquals(raw, p.raw(), m + " row " + r);
                    assertTrue(p.score() >= 0 && p.score() <= 1, m + " row " + r + " score " + p.score());
                    assertEquals(raw >= c.thresholds().of(unseen.lang(r)), p.toxic(), m + " row " + r);
                    // the map is increasing: the raw order is the score order
                    assertTrue(p.score() >= lastScore, m + " row " + r);
                    if (raw > lastRaw && lastScore >= 0) {
                        assertTrue(p.score() > lastScore || p.score() == 1.0, m + " strictly increasing at row " + r);
                    }
                    lastRaw = raw;
                    lastScore = p.score();
                    // the threshold in score space decides as the raw threshold does
                    assertEquals(p.toxic(), p.score() >= c.scoreThresholds().of(unseen.lang(r)), m + " row " + r);
                }
            }
        }
    }

    @Test
    void rawScoresKeepTheirMethodMeaning() {
        ClassifierBundle rule = ClassifierTrainer.train(data, config(Method.RULE), ClassifierBundleTest.EXTRACTION,
                "sha", "0.1.0").bundle();
        for (int r = 0; r < unseen.size(); r++) {
            double raw = rule.predict(unseen, r).raw();
            assertEquals(Math.rint(raw), raw, "the rule's raw score counts fired features");
        }
        ClassifierBundle svm = ClassifierTrainer.train(data, config(Method.SVM), ClassifierBundleTest.EXTRACTION,
                "sha", "0.1.0").bundle();
        boolean outside = false;
        for (int r = 0; r < unseen.size(); r++) {
            double raw = svm.predict(unseen, r).raw();
            outside |= raw < 0 || raw > 1;
        }
        assertTrue(outside, "SVM margins leave [0, 1]: the score column is not the raw one");
    }

    @Test
    void calibrationRoundTripsAndOldBundlesUseTheMethodsSquash(@TempDir Path dir) throws IOException {
        for (Method m : Method.values()) {
            ClassifierBundle bundle = ClassifierTrainer.train(data, config(m), ClassifierBundleTest.EXTRACTION, "sha",
                    "0.1.0").bundle();
            Path file = dir.resolve(m.id() + ".tsc");
            bundle.save(file);
            ClassifierBundle loaded = ClassifierBundle.load(file);
            assertEquals(bundle.classifiers().get(0).scaling(), loaded.classifiers().get(0).scaling());
            for (int r = 0; r < unseen.size(); r++) {
                assertEquals(bundle.predictAll(unseen, r), loaded.predictAll(unseen, r));
            }

            Map<String, byte[]> entries = BundleEntries.read(file);
            String json = new String(entries.get("bundle.json"), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"calibration\""), json);
            String old = json.replaceAll("(?s),\\s*\"calibration\": \\{[^}]*\\}", "");
            entries.put("bundle.json", old.getBytes(StandardCharsets.UTF_8));
            Path oldFile = BundleEntries.write(dir.resolve(m.id() + "-old.tsc"), entries);
            ClassifierBundle before = ClassifierBundle.load(oldFile);
            LabelClassifier c = before.classifiers().get(0);
            assertEquals(c.scorer().defaultScaling(), c.scaling());
            for (int r = 0; r < unseen.size(); r++) {
                Prediction now = bundle.predict(unseen, r);
                Prediction then = before.predict(unseen, r);
                assertEquals(now.toxic(), then.toxic(), "decisions do not depend on the scaling");
                assertEquals(now.raw(), then.raw());
                assertTrue(then.score() >= 0 && then.score() <= 1);
            }
            if (m == Method.LOGREG) {
                // logreg's squash is its own probability
                assertEquals(before.predict(unseen, 0).raw(), before.predict(unseen, 0).score(), 1e-12);
            }

            entries.put("bundle.json", json.replaceFirst("\"slope\": [0-9.eE+-]+", "\"slope\": -1.0")
                    .getBytes(StandardCharsets.UTF_8));
            Path bad = BundleEntries.write(dir.resolve(m.id() + "-bad.tsc"), entries);
            IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(bad));
            assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("slope"), e.getMessage());
        }
    }

    @Test
    void plattFitRecoversALogisticAndFallsBackWhereItCannot() {
        Random rnd = new Random(1);
        int n = 20000;
        double[] x = new double[n];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian() * 2;
            y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-(1.5 * x[i] - 0.7)));
        }
        PlattScaling fallback = new PlattScaling(1, 0, 0);
        PlattScaling fit = PlattScaling.fit(x, y, fallback);
        assertEquals(1.5, fit.slope(), 0.1);
        assertEquals(-0.7, fit.intercept(), 0.1);
        assertEquals(n, fit.fittedOn());

        // separable data still gives a finite, increasing fit
        PlattScaling separable = PlattScaling.fit(new double[] {0, 0, 0, 1, 2, 3}, new boolean[] {false, false, false,
            true, true, true}, fallback);
        assertTrue(separable.slope() > 0 && separable.apply(0) < 0.5 && separable.apply(1) > 0.5, separable.toString());
        // one class, or scores that rank backwards, keep the fallback
        assertEquals(fallback, PlattScaling.fit(new double[] {0, 1}, new boolean[] {true, true}, fallback));
        assertEquals(fallback, PlattScaling.fit(new double[] {0, 0, 1, 1}, new boolean[] {true, true, false, false},
                fallback));
        // saturated logreg probabilities (infinite log-odds) do not break the fit
        PlattScaling saturated = PlattScaling.fit(new double[] {Double.NEGATIVE_INFINITY, -1, 1,
            Double.POSITIVE_INFINITY}, new boolean[] {false, false, true, true}, fallback);
        assertTrue(saturated.slope() > 0);
        assertEquals(1.0, saturated.apply(Double.POSITIVE_INFINITY));
        assertEquals(0.0, saturated.apply(Double.NEGATIVE_INFINITY));
    }
}
