package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ThresholdTunerTest {

    @Test
    void bestF1ThresholdSitsBetweenTheClasses() {
        double[] scores = {0.9, 0.8, 0.35, 0.3, 0.2, 0.1};
        boolean[] truth = {true, true, true, false, false, false};
        assertEquals(0.325, ThresholdTuner.bestF1(scores, truth, 0.5), 1e-12);
    }

    @Test
    void bestF1TradesPrecisionForRecallWhenItPays() {
        // thresholds: >=0.9 gives F1 0.5, >=0.6 gives 2/3, >=0.4 gives 6/7, >=0.1 gives 0.75
        double[] scores = {0.9, 0.7, 0.6, 0.4, 0.1};
        boolean[] truth = {true, false, true, true, false};
        assertEquals(0.25, ThresholdTuner.bestF1(scores, truth, 0.5), 1e-12);
    }

    @Test
    void oneClassFallsBack() {
        assertEquals(0.5, ThresholdTuner.bestF1(new double[] {0.1, 0.9}, new boolean[] {true, true}, 0.5));
    }

    @Test
    void perLanguageThresholdsWithFallbacks() {
        int n = 120;
        double[] scores = new double[n];
        boolean[] truth = new boolean[n];
        String[] langs = new String[n];
        for (int i = 0; i < n; i++) {
            if (i < 60) {
                // en: toxic scores 0.3-0.4, clean 0.0-0.1: best threshold far below the global 0.5
                langs[i] = "en";
                truth[i] = i % 2 == 0;
                scores[i] = truth[i] ? 0.3 + i / 600.0 : i / 600.0;
            } else if (i < 100) {
                langs[i] = "de"; // one class only
                truth[i] = true;
                scores[i] = 0.2;
            } else {
                langs[i] = "fr"; // too few rows
                truth[i] = i % 2 == 0;
                scores[i] = truth[i] ? 0.9 : 0.1;
            }
        }
        Thresholds t = ThresholdTuner.perLanguage(scores, truth, langs, 0.5, 30);
        assertEquals(Map.of("en", t.of("en")), t.perLanguage());
        double en = t.of("en");
        assertEquals(true, en > 0.1 && en < 0.3, "en threshold " + en);
        assertEquals(0.5, t.of("de"));
        assertEquals(0.5, t.of("fr"));
        assertEquals(0.5, t.of(null));
    }
}
