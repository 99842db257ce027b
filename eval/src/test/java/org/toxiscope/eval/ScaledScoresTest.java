package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.toxiscope.classify.ClassifierTrainer;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureTable;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.LinearSettings;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.Prediction;
import org.toxiscope.classify.TrainConfig;
import org.toxiscope.features.SparseVector;

/** Eval reads the [0, 1] scores: the same AUROC, average precision and F1 as the raw scores, and a calibration. */
class ScaledScoresTest {

    private static final ExtractionProvenance EXTRACTION =
            new ExtractionProvenance("m", "0", "w", "t", "s", Map.of(3, "a"), null, 8, false, "max", 0, "f32", null);

    /** Rows where features 0-9 fire more often on toxic rows, with noise, so every method ranks imperfectly. */
    private static FeatureTable noisy(int n, long seed) {
        Random rnd = new Random(seed);
        FeatureTable.Builder b = FeatureTable.builder(new int[] {3}, List.of("toxic"));
        for (int i = 0; i < n; i++) {
            boolean toxic = i % 2 == 0;
            TreeMap<Integer, Float> on = new TreeMap<>();
            for (int f = 0; f < 20; f++) {
                double p = f < 10 ? (toxic ? 0.35 : 0.1) : 0.2;
                if (rnd.nextDouble() < p) {
                    on.put(f, 0.5f + rnd.nextFloat());
                }
            }
            int[] idx = on.keySet().stream().mapToInt(Integer::intValue).toArray();
            float[] val = new float[idx.length];
            for (int k = 0; k < idx.length; k++) {
                val[k] = on.get(idx[k]);
            }
            b.add("r" + i, i % 3 == 0 ? "de" : "en", Map.of("toxic", toxic), new SparseVector(idx, val));
        }
        return b.build();
    }

    @Test
    void scaledScoresKeepTheRankingMetricsAndGainACalibration() {
        FeatureTable train = noisy(600, 1);
        FeatureTable test = noisy(400, 2);
        for (Method m : Method.values()) {
            TrainConfig cfg = new TrainConfig(m, TrainConfig.LayerChoice.BEST, 0, m == Method.RULE ? 5 : 0, 1.0, 0.3,
                    42, false, m == Method.RULE ? null : LinearSettings.defaults(m, 42));
            LabelClassifier c = ClassifierTrainer.train(train, cfg, EXTRACTION, "sha", "0").bundle().classifiers()
                    .get(0);
            List<ScoredExample> raw = new ArrayList<>();
            List<ScoredExample> scaled = new ArrayList<>();
            for (int r = 0; r < test.size(); r++) {
                Prediction p = c.predict(test, r);
                raw.add(new ScoredExample(test.id(r), test.lang(r), test.label(0, r), p.raw(), p.toxic()));
                scaled.add(new ScoredExample(test.id(r), test.lang(r), test.label(0, r), p.score(), p.toxic()));
            }
            BinaryMetrics a = Metrics.compute(Predictions.of(raw), MetricsConfig.DEFAULT);
            BinaryMetrics b = Metrics.compute(Predictions.of(scaled), MetricsConfig.DEFAULT);
            assertNotNull(a.auroc(), m.id());
            assertEquals(a.auroc(), b.auroc(), 1e-12, m.id() + " AUROC");
            assertEquals(a.averagePrecision(), b.averagePrecision(), 1e-12, m.id() + " average precision");
            assertEquals(a.f1(), b.f1(), m.id() + " F1");
            assertEquals(a.thresholds().distinctThresholds(), b.thresholds().distinctThresholds(), m.id());
            assertNotNull(b.calibration(), m.id() + ": every method's scores are probabilities now");
            if (m != Method.LOGREG) {
                assertNull(a.calibration(), m.id() + ": raw scores leave [0, 1]");
            }
        }
    }
}
