package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.TrainConfig;

/** The data-efficiency study on {@link StudyTables}: train's pipeline per fraction and seed. */
class DataEfficiencyStudyTest {

    private static final double EPS = 1e-12;
    private static final ExtractionProvenance EXTRACTION =
            new ExtractionProvenance("m", "0", "w", "t", "s", Map.of(3, "a", 7, "b"), null, 8, false, "max", 0, "f32", null);

    @Test
    void fullDataIsAppendedAndEachRunIsTheTrainPipelineScoredOnTest() {
        List<String> lines = new ArrayList<>();
        DataEfficiencyStudy s = DataEfficiencyStudy.run(StudyTables.data(), TrainConfig.defaults(Method.RULE),
                new double[] {0.5}, new long[] {1, 2}, EXTRACTION, lines::add);
        assertArrayEquals(new double[] {0.5, 1.0}, s.fractions());
        assertEquals(4, lines.size(), "one progress line per run");
        // all data: top-1 rule at the top1-diff layer 7 (f5): F1 4/7 on test, en 0.5, de 2/3
        assertArrayEquals(new double[] {4.0 / 7, 4.0 / 7}, s.f1()[1], EPS);
        assertArrayEquals(new double[] {(0.5 + 2.0 / 3) / 2, (0.5 + 2.0 / 3) / 2}, s.macroF1()[1], EPS);
        assertEquals(4.0 / 7, s.fullDataF1(), EPS);
        assertEquals(1.0, s.shareOfFullData()[1], EPS);
        for (double f : s.f1()[0]) {
            assertTrue(f >= 0 && f <= 1, "half the data still trains: " + f);
        }
        JsonObject share = s.shareChart().toJson();
        var series = share.getAsJsonArray("series").get(0).getAsJsonObject();
        assertEquals("rule", series.get("name").getAsString());
        assertEquals(100.0, series.getAsJsonArray("y").get(1).getAsDouble(), EPS);
        JsonObject fig12 = s.macroF1Chart().toJson();
        assertEquals("macro-F1 across languages",
                fig12.getAsJsonArray("series").get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(4, fig12.getAsJsonArray("series").size(), "macro, all rows, de, en");
        assertEquals(List.of("rule on all discovery data"), List.copyOf(s.headline().keySet()));
        assertTrue(s.failures().isEmpty(), s.failures().toString());
    }

    @Test
    void aLinearMethodRunsWithItsSeedPerRun() {
        DataEfficiencyStudy s = DataEfficiencyStudy.run(StudyTables.data(), TrainConfig.defaults(Method.LOGREG),
                new double[] {1.0}, new long[] {7}, EXTRACTION, l -> { });
        assertEquals(1, s.fractions().length);
        assertTrue(Double.isFinite(s.f1()[0][0]), s.failures().toString());
        assertEquals("logreg", s.summary().get("method").getAsString());
    }
}
