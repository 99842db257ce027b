package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.classify.FeatureRule;
import org.toxiscope.classify.LabelClassifier;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.Provenance;
import org.toxiscope.classify.Thresholds;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/** The feature-space commands on the tiny Qwen3 fixture. */
class SynthesizeCommandTest {

    @TempDir
    Path dir;

    @Test
    void coverageAndExplainFeatureOnTheTinyModel() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{\"id\":\"a\",\"text\":\"The quick brown fox\"}\n"
                + "{\"id\":\"b\",\"text\":\"Hello world\"}\n");
        Path targets = Files.writeString(dir.resolve("t.txt"), "1:235\n1:3\n");
        Path out = dir.resolve("cov.json");
        String summary = CliRunner.stdout("synthesize", "coverage", "--model", model, "--sae", sae, "--k", "8",
                "--targets", targets.toString(), "--data", data.toString(), "--output", out.toString());
        JsonObject cov = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        JsonObject corpus = cov.getAsJsonObject("corpus");
        assertEquals(2, corpus.get("examples").getAsInt());
        assertEquals(corpus.getAsJsonArray("covered").size() / 2.0, corpus.get("cov").getAsDouble(), 1e-12);
        assertEquals(2, corpus.getAsJsonArray("covered").size() + corpus.getAsJsonArray("missing").size());
        assertTrue(summary.startsWith("Cov "), summary);
        JsonArray files = new JsonArray();
        files.add(data.toAbsolutePath().normalize().toString());
        assertEquals(files, cov.getAsJsonObject("provenance").get("data"), "the input files as a JSON array of paths");
        assertTrue(Files.exists(dir.resolve("cov.html")));

        String json = CliRunner.stdout("explain-feature", "--model", model, "--sae", sae, "--k", "8", "--layer", "1",
                "--feature", "235", "--corpus", data.toString(), "--tokens", "3", "--json");
        JsonArray explained = JsonParser.parseString(json).getAsJsonArray();
        JsonObject e = explained.get(0).getAsJsonObject();
        assertEquals(235, e.get("feature").getAsInt());
        assertEquals(3, e.getAsJsonArray("tokens").size());
        for (var c : e.getAsJsonArray("contexts")) {
            assertTrue(c.getAsJsonObject().get("snippet").getAsString().contains("[["));
        }
    }

    /** A rule bundle trained on the sample's train split with the tiny model, and that split. */
    private Path[] ruleOnSample(String model, String sae) throws Exception {
        SampleSplit split = SampleSplit.write(dir);
        Path bundle = dir.resolve("rule.tsc");
        CliRunner.Run train = CliRunner.run("train", "--model", model, "--sae", sae, "--k", "8", "--layer", "1",
                "--data", split.train().toString(), "--method", "rule", "--top-features", "5", "--output",
                bundle.toString());
        assertEquals(0, train.exit(), train.err());
        return new Path[] {bundle, split.train()};
    }

    private static long lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
    }

    @Test
    void theReadmeRecipeSaysWhyItsSeedCorpusLeavesNothingAndWritesRecordsWithoutIt() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        Path[] rule = ruleOnSample(model, sae);
        Path covered = dir.resolve("covered.jsonl");
        CliRunner.Run seeded = CliRunner.runWithSystemErr("synthesize", "--model", model, "--sae", sae, "--k", "8",
                "--classifier", rule[0].toString(), "--seed-corpus", rule[1].toString(), "--generator", "steer",
                "--samples-per-feature", "1", "--alpha", "20", "--output", covered.toString());
        assertEquals(0, seeded.exit(), seeded.err());
        assertEquals(0, lines(covered));
        assertTrue(seeded.err().contains("synthesize: nothing to synthesize: the seed corpus fires every target"),
                seeded.err());
        assertEquals(1, seeded.err().lines().filter(l -> l.contains("nothing to synthesize")).count());

        // The README's recipe: the bundle's own features, no seed corpus.
        Path out = dir.resolve("synth.jsonl");
        CliRunner.Run recipe = CliRunner.runWithSystemErr("synthesize", "--model", model, "--sae", sae, "--k", "8",
                "--classifier", rule[0].toString(), "--generator", "steer", "--samples-per-feature", "1",
                "--alpha", "20", "--max-tries", "4", "--batch", "4", "--max-new-tokens", "8", "--output",
                out.toString());
        assertEquals(0, recipe.exit(), recipe.err());
        assertTrue(lines(out) > 0, recipe.err());
        assertTrue(!recipe.err().contains("nothing to synthesize"), recipe.err());
    }

    @Test
    void synthesizeTakesTheJsonDeltaTableDiscoverWrites() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae").toString();
        Path[] rule = ruleOnSample(model, sae);
        Path delta = dir.resolve("delta.json");
        CliRunner.Run discover = CliRunner.run("discover", "--model", model, "--sae", sae, "--k", "8", "--layer", "1",
                "--data", rule[1].toString(), "--output", delta.toString());
        assertEquals(0, discover.exit(), discover.err());
        JsonObject table = JsonParser.parseString(Files.readString(delta)).getAsJsonObject();
        JsonArray features = table.getAsJsonArray("layers").get(0).getAsJsonObject().getAsJsonArray("features");
        List<Integer> top2 = List.of(features.get(0).getAsJsonObject().get("feature").getAsInt(),
                features.get(1).getAsJsonObject().get("feature").getAsInt());

        Path out = dir.resolve("from-delta.jsonl");
        CliRunner.Run synth = CliRunner.runWithSystemErr("synthesize", "--model", model, "--sae", sae, "--k", "8",
                "--classifier", rule[0].toString(), "--discover", delta.toString(), "--top-n", "2",
                "--samples-per-feature", "1", "--alpha", "20", "--max-tries", "16", "--batch", "4", "--max-new-tokens",
                "8", "--output", out.toString());
        assertEquals(0, synth.exit(), synth.err());
        assertTrue(lines(out) > 0, synth.err());
        for (String line : Files.readAllLines(out)) {
            JsonObject r = JsonParser.parseString(line).getAsJsonObject();
            assertEquals(1, r.get("target_layer").getAsInt());
            assertTrue(top2.contains(r.get("target_feature").getAsInt()), line);
        }
        JsonObject report = JsonParser.parseString(Files.readString(dir.resolve("from-delta.coverage.json")))
                .getAsJsonObject();
        assertTrue(report.toString().contains("discover delta"), "the targets came from the delta table");

        // A file that is neither of discover's tables is named, its long line cut.
        Path bad = Files.writeString(dir.resolve("bad.json"), "[" + "1,".repeat(20_000) + "1]");
        CliRunner.Run refused = CliRunner.run("synthesize", "--model", model, "--sae", sae, "--k", "8",
                "--classifier", rule[0].toString(), "--discover", bad.toString(), "--output",
                dir.resolve("never.jsonl").toString());
        assertEquals(1, refused.exit(), refused.err());
        assertTrue(refused.err().contains(bad + ":1: expected the discover header"), refused.err());
        assertTrue(refused.err().length() < 400, refused.err());
    }

    @Test
    void synthesizeRefusesABundleTrainedWithMeanPoolingBeforeGenerating() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        ExtractionProvenance tiny;
        try (FeatureSession session = FeatureSession.open(SessionSpec.of(model, sae, List.of(1)).withSae(8, false))) {
            tiny = ExtractionProvenance.of(session);
        }
        FeatureRule rule = new FeatureRule(List.of(new FeatureRef(1, 3)));
        Path bundle = dir.resolve("mean.tsc");
        new ClassifierBundle(Method.RULE, List.of(new LabelClassifier("toxic", rule,
                Thresholds.global(rule.defaultThreshold()))), new Provenance(new ExtractionProvenance(tiny.modelId(),
                tiny.modelConfigSha256(), tiny.modelWeightsDigest(), tiny.tokenizerSha256(), tiny.saeId(),
                tiny.saeSha256(), tiny.saeWidth(), 8, false, "mean", 0, "f32", null), "test", null,
                0.5, 42, null, "test", "2026-11-24T00:00:00Z"), null).save(bundle);
        Path targets = Files.writeString(dir.resolve("t.txt"), "1:235\n");
        Path out = dir.resolve("synth.jsonl");
        CliRunner.Run run = CliRunner.run("synthesize", "--model", model, "--sae", sae, "--classifier",
                bundle.toString(), "--targets", targets.toString(), "--output", out.toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("pooling is max but the classifier was trained with mean"), run.err());
        assertTrue(!Files.exists(out), "refused before any generation");
    }
}
