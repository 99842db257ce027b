package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ClassifierTrainerTest {

    private final FeatureTable data = Tables.synthetic(1000, 5, "en", "de");

    @Test
    void multiLabelTrainsOneModelPerLabel() {
        for (Method m : new Method[] {Method.LOGREG, Method.SVM}) {
            TrainResult r = ClassifierTrainer.train(data, TrainConfig.defaults(m), ClassifierBundleTest.EXTRACTION,
                    "sha", "0.1.0");
            assertEquals(2, r.bundle().classifiers().size());
            assertTrue(r.validation().get("toxic").f1() > 0.9, m + " toxic " + r.validation().get("toxic"));
            assertTrue(r.validation().get("insult").f1() > 0.9, m + " insult " + r.validation().get("insult"));
            assertEquals(200, r.validationRows());
            assertEquals(800, r.discoveryRows());
            assertEquals(Map.of("clean", 250, "toxic", 250), r.bundle().provenance().counts().get("toxic").get("en"));
        }
    }

    @Test
    void ruleFindsTheSignalFeatures() {
        TrainConfig cfg = new TrainConfig(Method.RULE, TrainConfig.LayerChoice.BEST, 0, 10, 1.0, 0.2, 42, false, null);
        TrainResult r = ClassifierTrainer.train(data, cfg, ClassifierBundleTest.EXTRACTION, "sha", "0.1.0");
        FeatureRule rule = (FeatureRule) r.bundle().classifiers().get(0).scorer();
        // signal features 0-19 and 300 (the insult marker, on toxic rows only)
        assertTrue(rule.features().stream().allMatch(f -> f.feature() < 20 || f.feature() == 300),
                rule.features().toString());
        assertTrue(r.validation().get("toxic").f1() > 0.9, r.validation().toString());
    }

    @Test
    void discoveryFractionUsesAStratifiedSubsample() {
        TrainConfig cfg = new TrainConfig(Method.RULE, TrainConfig.LayerChoice.BEST, 0, 5, 0.1, 0.2, 7, false, null);
        TrainResult r = ClassifierTrainer.train(data, cfg, ClassifierBundleTest.EXTRACTION, "sha", "0.1.0");
        assertEquals(80, r.discoveryRows());
        assertEquals(80, r.deltas().get("toxic").layer(12).toxicCount() + r.deltas().get("toxic").layer(12).cleanCount());
        assertEquals(0.1, r.bundle().provenance().discoveryFraction());
        assertEquals("80", r.bundle().provenance().settings().get("discovery_rows"));
    }
}
