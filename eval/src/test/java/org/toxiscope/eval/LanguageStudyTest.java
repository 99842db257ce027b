package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known answers of the language study on {@link StudyTables}. */
class LanguageStudyTest {

    private static final double EPS = 1e-12;

    @Test
    void jaccardOfPerLanguageTopKSetsPerLayer() {
        // K=2: L3 en {f1} vs de {f2, f1} -> 1/2; L7 en {f5, f6} vs de {f5} -> 1/2
        LanguageStudy s2 = LanguageStudy.run(StudyTables.data(), 2, List.of("en"));
        assertEquals(List.of("de", "en"), s2.languages());
        assertEquals(0.5, s2.jaccard(0, 0, 1), EPS);
        assertEquals(0.5, s2.jaccard(1, 1, 0), EPS);
        assertEquals(1.0, s2.jaccard(0, 0, 0), EPS);
        // K=1: L3 {f1} vs {f2} -> 0; L7 {f5} vs {f5} -> 1
        LanguageStudy s1 = LanguageStudy.run(StudyTables.data(), 1, List.of("en"));
        assertEquals(0.0, s1.jaccard(0, 0, 1), EPS);
        assertEquals(1.0, s1.jaccard(1, 0, 1), EPS);
        List<Heatmap> charts = s1.jaccardCharts();
        assertEquals(2, charts.size());
        JsonObject j = charts.get(0).toJson();
        assertEquals(0.0, j.getAsJsonArray("values").get(0).getAsJsonArray().get(1).getAsDouble(), EPS);
        assertEquals(Double.NaN, LanguageStudy.jaccard(new int[0], new int[0]));
    }

    @Test
    void transferScoresTheSourceRuleOnEveryLanguageBesideTheOwnRule() {
        LanguageStudy s = LanguageStudy.run(StudyTables.data(), 1, List.of("en"));
        // en's top1-diff layer is 7 (f5: 1.0 vs f1 at L3: 0.5); de ties at 1.0 and takes the lower layer 3 (f2).
        assertEquals(Map.of("de", 3, "en", 7), s.sourceLayers());
        assertEquals(List.of("en", LanguageStudy.OWN), s.sources());
        assertEquals(List.of("de", "en"), s.targets());
        assertEquals(2.0 / 3, s.transfer(0, 0), EPS, "f5@L7 on de: b1 found, b2 missed");
        assertEquals(0.5, s.transfer(0, 1), EPS, "f5@L7 on en: a1 found, a2 missed, a3 false alarm");
        assertEquals(1.0, s.transfer(1, 0), EPS, "f2@L3 on de: both toxic found, no false alarm");
        assertEquals(0.5, s.transfer(1, 1), EPS);
        JsonObject t = s.transferChart().toJson();
        assertEquals(1.0, t.getAsJsonArray("values").get(1).getAsJsonArray().get(0).getAsDouble(), EPS);
        assertEquals(List.of("rule top-1, layer 7, discovered on en"), List.copyOf(s.headline().keySet()));
    }

    @Test
    void allSourcesGiveTheFullMatrixWhoseDiagonalIsTheOwnRow() {
        LanguageStudy s = LanguageStudy.run(StudyTables.data(), 1, List.of(LanguageStudy.ALL));
        assertEquals(List.of("de", "en", LanguageStudy.OWN), s.sources());
        assertEquals(s.transfer(2, 0), s.transfer(0, 0), EPS);
        assertEquals(s.transfer(2, 1), s.transfer(1, 1), EPS);
        assertEquals(2.0 / 3, s.transfer(1, 0), EPS, "en's f5@L7 on de");
        assertEquals(2, s.headline().size());
    }

    @Test
    void anUnknownSourceLanguageIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LanguageStudy.run(StudyTables.data(), 1, List.of("fr")));
        assertTrue(e.getMessage().contains("'fr'") && e.getMessage().contains("[de, en]"), e.getMessage());
    }
}
