package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxiscope.classify.FeatureTable;

/** Known answers of the layer study on {@link StudyTables}. */
class LayerStudyTest {

    private static final double EPS = 1e-12;

    @Test
    void heldOutF1PerLayerAndKMatchesHandCounts() {
        LayerStudy s = LayerStudy.run(StudyTables.data(), new int[] {1, 2}, 5);
        assertArrayEquals(new int[] {3, 7}, s.layers());
        // L3: f1 (K=1), f1+f2 (K=2); L7: f5, f5+f6 (f6 never fires on the test rows).
        double[][] f1 = s.f1();
        assertArrayEquals(new double[] {4.0 / 7, 4.0 / 7}, f1[0], EPS);
        assertArrayEquals(new double[] {8.0 / 9, 4.0 / 7}, f1[1], EPS);
        assertEquals(7, s.top1DiffLayer(), "f5 fires on every toxic discovery row and no clean one");
        JsonObject chart = s.layerChart().toJson();
        assertEquals(2, chart.getAsJsonArray("series").size());
        assertEquals(7, chart.getAsJsonArray("reference_lines").get(0).getAsJsonObject().get("x").getAsInt());
        assertEquals(3, chart.getAsJsonArray("markers").get(1).getAsJsonObject().get("x").getAsInt(), "K=2 star at 3");
        assertEquals(3, s.summary().getAsJsonObject("best_layer_by_k").get("K=2").getAsInt());
    }

    @Test
    void compositionGainIsOverTheBestSingleLayerPerLanguage() {
        LayerStudy s = LayerStudy.run(StudyTables.data(), LayerStudy.DEFAULT_KS, 5);
        assertArrayEquals(new int[] {2}, s.composeM(), "two layers: only m = 2");
        assertEquals(List.of(LayerStudy.OVERALL, "de", "en"), s.categories());
        // best single layer (top-1): overall 4/7 (L3 first on the tie), de 2/3 at L7, en 2/3 at L3
        assertArrayEquals(new double[] {4.0 / 7, 2.0 / 3, 2.0 / 3}, s.bestSingleF1(), EPS);
        assertArrayEquals(new int[] {3, 7, 3}, s.bestSingleLayer());
        // m = 2 ORs f5@L7 and f1@L3
        assertArrayEquals(new double[] {2.0 / 3, 0.8, 0.5}, s.composedF1()[0], EPS);
        JsonObject gain = s.compositionGainChart().toJson();
        var values = gain.getAsJsonArray("series").get(0).getAsJsonObject().getAsJsonArray("values");
        assertEquals(2.0 / 21, values.get(0).getAsDouble(), EPS);
        assertEquals(0.8 - 2.0 / 3, values.get(1).getAsDouble(), EPS);
        assertEquals(0.5 - 2.0 / 3, values.get(2).getAsDouble(), EPS);
        Map<String, HeldOutRun> headline = s.headline();
        assertEquals(List.of("rule top-1, layer 7 (top1-diff choice)", "rule top-2, layer 3 (best held-out F1)",
                "rule top-1 of 2 layers by top1-diff"), List.copyOf(headline.keySet()));
        assertEquals(8.0 / 9, headline.get("rule top-2, layer 3 (best held-out F1)").f1(), EPS);
    }

    @Test
    void oneLayerHasNoCompositionAndAllNothingFiringIsAnError() {
        FeatureTable.Builder b = FeatureTable.builder(new int[] {7}, List.of("toxic"));
        FeatureTable.Builder t = FeatureTable.builder(new int[] {7}, List.of("toxic"));
        b.add("x", "en", Map.of("toxic", true), StudyTables.fires(5));
        b.add("y", "en", Map.of("toxic", false), StudyTables.fires());
        t.add("z", "en", Map.of("toxic", true), StudyTables.fires(5));
        t.add("w", "en", Map.of("toxic", false), StudyTables.fires(5));
        LayerStudy single = LayerStudy.run(StudyData.of(b.build(), t.build()), new int[] {1}, 5);
        assertEquals(0, single.composeM().length);
        assertNull(single.compositionGainChart());
        assertEquals(2.0 / 3, single.f1()[0][0], EPS);

        FeatureTable.Builder silent = FeatureTable.builder(new int[] {7}, List.of("toxic"));
        silent.add("x", "en", Map.of("toxic", true), StudyTables.fires());
        silent.add("y", "en", Map.of("toxic", false), StudyTables.fires());
        var e = assertThrows(IllegalArgumentException.class,
                () -> LayerStudy.run(StudyData.of(silent.build(), t.build()), new int[] {1}, 5));
        assertTrue(e.getMessage().contains("no SAE feature fires"), e.getMessage());
    }

    @Test
    void mismatchedTablesAreRefusedWithTheReason() {
        FeatureTable.Builder other = FeatureTable.builder(StudyTables.LAYERS, List.of("insult"));
        other.add("x", "en", Map.of("insult", true), StudyTables.fires(), StudyTables.fires());
        var e = assertThrows(IllegalArgumentException.class, () -> StudyData.of(StudyTables.train(), other.build()));
        assertTrue(e.getMessage().contains("no label column 'toxic'"), e.getMessage());
    }
}
