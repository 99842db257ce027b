package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.TextRecord;

/**
 * {@code toxiscope demo} in a temporary home: every promised output exists and is well-formed. Needs no shared
 * fixtures: the demo makes its own model. The demo model has random weights, but its word-level tokenizer makes
 * SAE features carry word identity, so the logistic regression beats chance clearly on the held-out split; the
 * rule, whose few features mean single words, need not.
 */
class DemoCommandTest {

    @TempDir
    Path home;

    @Test
    void demoProducesEveryPromisedOutput() throws Exception {
        Path out = home.resolve("out");
        var run = CliRunner.run("demo", "--output-dir", out.toString(), "--cache-dir", home.resolve("cache").toString());
        assertEquals(0, run.exit(), run.err());
        String stdout = run.out();
        assertTrue(stdout.contains("RANDOM weights"), stdout);
        int reportLine = stdout.indexOf("report (open in a browser): ");
        assertTrue(reportLine > 0 && stdout.indexOf("classifier bundles:") > reportLine, "report path printed first");

        Path report = out.resolve("report");
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<svg"), "charts in the report");
        JsonObject json = JsonParser.parseString(Files.readString(report.resolve("report.json"))).getAsJsonObject();
        double logregAccuracy = -1;
        for (JsonElement c : json.getAsJsonArray("classifiers")) {
            JsonObject o = c.getAsJsonObject();
            if (o.get("name").getAsString().equals("logreg")) {
                logregAccuracy = o.getAsJsonObject("overall").get("accuracy").getAsDouble();
            }
        }
        assertTrue(logregAccuracy > 0.65, "logreg held-out accuracy " + logregAccuracy);
        assertTrue(Files.readAllLines(report.resolve("per_language.csv")).get(0).startsWith("classifier,language,"));

        assertEquals("rule", ClassifierBundle.load(out.resolve("rule.tsc")).method().id());
        assertEquals("logreg", ClassifierBundle.load(out.resolve("logreg.tsc")).method().id());

        List<TextRecord> test = read(out.resolve("data/test.jsonl"));
        List<TextRecord> labelled = read(out.resolve("test.labelled.csv"));
        assertEquals(test.size(), labelled.size());
        assertTrue(labelled.get(0).fields().keySet().containsAll(List.of("toxic_score", "toxic_pred", "top_features")));

        List<String> features = Files.readAllLines(out.resolve("test.features.jsonl"));
        assertEquals(test.size(), features.size());
        JsonObject first = JsonParser.parseString(features.get(0)).getAsJsonObject();
        assertTrue(first.has("token_ids") && first.getAsJsonObject("layers").size() == 4);

        List<String> synth = Files.readAllLines(out.resolve("synth.jsonl"));
        assertTrue(!synth.isEmpty(), "some steered samples were kept");
        for (String line : synth) {
            JsonObject r = JsonParser.parseString(line).getAsJsonObject();
            for (String field : List.of("id", "prompt", "completion", "target_layer", "target_feature", "generator",
                    "alpha", "feature_activation", "label", "score")) {
                assertTrue(r.has(field), field + " in " + line);
            }
            assertTrue(r.get("feature_activation").getAsDouble() > 0, "kept only where the target fires");
        }
    }

    private static List<TextRecord> read(Path file) {
        try (RecordStream s = Corpus.of(file, ColumnMapping.defaults()).read()) {
            return s.stream().toList();
        }
    }
}
