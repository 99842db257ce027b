package org.toxiscope.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ConfusionMatrix;

class UndefinedRatioTest {

    private static final MetricsConfig CONFIG = new MetricsConfig(0, 1, 0.95, 10, 200);

    private static Predictions examples(boolean[] predicted, boolean[] gold) {
        List<ScoredExample> rows = new ArrayList<>();
        for (int i = 0; i < gold.length; i++) {
            rows.add(new ScoredExample("r" + i, "en", gold[i], predicted[i] ? 0.9 : 0.1, predicted[i]));
        }
        return Predictions.of(rows);
    }

    @Test
    void sameCountsGiveTheSameMetricsInClassifyAndEval() {
        boolean[] gold = {true, true, true, false, false, false, false, true};
        boolean[] predicted = {true, true, false, true, false, false, false, false};
        ConfusionMatrix cm = ConfusionMatrix.of(predicted, gold);
        BinaryMetrics m = Metrics.compute(examples(predicted, gold), CONFIG);

        assertEquals(new ConfusionMatrix(2, 1, 2, 3), cm);
        assertEquals(cm, m.confusion());
        assertEquals(cm.accuracy(), m.accuracy());
        assertEquals(cm.precision(), m.precision());
        assertEquals(cm.recall(), m.recall());
        assertEquals(cm.f1(), m.f1());
        assertEquals(cm.f1Clean(), m.f1Clean());
    }

    @Test
    void undefinedRatiosAreNullInJavaAndInReportJson(@TempDir Path dir) throws Exception {
        boolean[] gold = {false, false, false};
        boolean[] predicted = {false, false, false};
        ConfusionMatrix cm = ConfusionMatrix.of(predicted, gold);
        assertNull(cm.precision());
        assertNull(cm.recall());
        assertNull(cm.f1());
        assertEquals(1.0, cm.f1Clean());
        assertNull(new ConfusionMatrix(0, 0, 0, 0).accuracy());

        new EvalReport("all clean", new JsonObject(), CONFIG)
                .add(ClassifierEvaluation.evaluate("c", examples(predicted, gold), List.of(), CONFIG)).write(dir);
        JsonObject overall = JsonParser.parseString(Files.readString(dir.resolve(EvalReport.REPORT_JSON)))
                .getAsJsonObject().getAsJsonArray("classifiers").get(0).getAsJsonObject().getAsJsonObject("overall");
        for (String undefined : List.of("precision", "recall", "f1", "macro_f1")) {
            assertTrue(overall.has(undefined) && overall.get(undefined).isJsonNull(), undefined + " in " + overall);
        }
        assertEquals(1.0, overall.get("accuracy").getAsDouble());
    }
}
