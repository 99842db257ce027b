package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.SampleCorpus;
import org.toxiscope.features.demo.DemoAssets;
import org.toxiscope.features.demo.DemoShape;

/**
 * {@code explain-feature --query-lens} on the demo model (made here, no shared fixtures): the JSON contract
 * (one object per feature, {@code tokens} as without the lens, {@code query_lens} with value and key sides of
 * {@code --tokens} entries each, top descending and bottom ascending, positions and statistics), the text output's
 * five lists side by side, and the one-line refusal without a corpus.
 */
class ExplainFeatureQueryLensTest {

    private static final int TOKENS = 4;

    @TempDir
    static Path dir;

    private static String model;
    private static String sae;
    private static Path corpus;

    @BeforeAll
    static void demoModel() throws Exception {
        corpus = SampleCorpus.copyTo(dir.resolve("data"));
        List<String> texts = new ArrayList<>();
        try (RecordStream records = Corpus.of(corpus, ColumnMapping.defaults()).read()) {
            records.forEach(r -> texts.add(r.text()));
        }
        DemoAssets assets = DemoAssets.ensure(dir.resolve("cache"), texts, DemoShape.DEMO);
        model = assets.modelDir().toString();
        sae = assets.saeDir().toString();
    }

    @Test
    void jsonKeepsTheContractForEachFeature() {
        String json = CliRunner.stdout("explain-feature", "--model", model, "--sae", sae, "--layer", "1",
                "--feature", "5,17", "--corpus", corpus.toString(), "--sample", "12", "--query-lens", "--tokens",
                String.valueOf(TOKENS), "--json");
        JsonArray list = JsonParser.parseString(json).getAsJsonArray();
        assertEquals(2, list.size());
        int[] features = {5, 17};
        for (int i = 0; i < 2; i++) {
            JsonObject e = list.get(i).getAsJsonObject();
            assertEquals(Set.of("layer", "feature", "tokens", "contexts", "query_lens"), e.keySet());
            assertEquals(1, e.get("layer").getAsInt());
            assertEquals(features[i], e.get("feature").getAsInt());
            assertRanked(e.getAsJsonArray("tokens"), true, "tokens");
            JsonObject q = e.getAsJsonObject("query_lens");
            assertTrue(q.keySet().containsAll(Set.of("value", "key", "positions", "stats")), q.keySet().toString());
            assertTrue(q.get("positions").getAsLong() > 12, "a dozen texts of several tokens each");
            for (String side : List.of("value", "key")) {
                JsonObject s = q.getAsJsonObject(side);
                assertRanked(s.getAsJsonArray("top"), true, side + " top");
                assertRanked(s.getAsJsonArray("bottom"), false, side + " bottom");
                assertTrue(score(s.getAsJsonArray("top"), TOKENS - 1) >= score(s.getAsJsonArray("bottom"), TOKENS - 1),
                        side + ": the top list lies above the bottom list");
                JsonObject stats = q.getAsJsonObject("stats").getAsJsonObject(side);
                for (String stat : List.of("ev_mu", "rel_var")) {
                    double v = stats.get(stat).getAsDouble();
                    assertTrue(v >= 0 && v <= 1, side + " " + stat + " " + v);
                }
                assertEquals(q.get("positions").getAsLong(), stats.get("n").getAsLong());
            }
        }
    }

    @Test
    void textShowsTheFourListsBesideTheLogitLens() {
        String text = CliRunner.stdout("explain-feature", "--model", model, "--sae", sae, "--layer", "2",
                "--feature", "9", "--corpus", corpus.toString(), "--sample", "8", "--query-lens", "--tokens",
                String.valueOf(TOKENS));
        List<String> lines = text.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*logit lens\\s+value top\\s+value bottom\\s+key top\\s+key bottom")) {
                header = i;
            }
        }
        assertTrue(header > 0, text);
        for (int r = 1; r <= TOKENS; r++) {
            assertEquals(5, countScores(lines.get(header + r)), "five scores in " + lines.get(header + r));
        }
        assertTrue(lines.get(header + TOKENS + 1).contains("EV_mu"), text);
    }

    @Test
    void queryLensWithoutACorpusIsRefusedInOneLine() {
        CliRunner.Run run = CliRunner.run("explain-feature", "--model", model, "--sae", sae, "--layer", "1",
                "--feature", "5", "--query-lens");
        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("--query-lens needs --corpus"), run.err());
    }

    private static int countScores(String line) {
        return (int) java.util.regex.Pattern.compile("-?\\d+\\.\\d{3} \"").matcher(line).results().count();
    }

    private static void assertRanked(JsonArray list, boolean descending, String what) {
        assertEquals(TOKENS, list.size(), what);
        for (int i = 1; i < list.size(); i++) {
            double previous = score(list, i - 1);
            double current = score(list, i);
            assertTrue(descending ? previous >= current : previous <= current, what + " order at " + i);
        }
        for (JsonElement t : list) {
            assertEquals(Set.of("id", "token", "score"), t.getAsJsonObject().keySet(), what);
        }
    }

    private static double score(JsonArray list, int i) {
        return list.get(i).getAsJsonObject().get("score").getAsDouble();
    }
}
