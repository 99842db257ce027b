package org.toxiscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Toxiscope.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit, String.join(" ", args));
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void coverageAndExplainFeatureOnTheTinyModel() throws Exception {
        String model = SharedFixtures.path("qwen3-tiny").toString();
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{\"id\":\"a\",\"text\":\"The quick brown fox\"}\n"
                + "{\"id\":\"b\",\"text\":\"Hello world\"}\n");
        Path targets = Files.writeString(dir.resolve("t.txt"), "1:235\n1:3\n");
        Path out = dir.resolve("cov.json");
        String summary = run("synthesize", "coverage", "--model", model, "--sae", sae, "--k", "8", "--targets",
                targets.toString(), "--data", data.toString(), "--output", out.toString());
        JsonObject cov = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        JsonObject corpus = cov.getAsJsonObject("corpus");
        assertEquals(2, corpus.get("examples").getAsInt());
        assertEquals(corpus.getAsJsonArray("covered").size() / 2.0, corpus.get("cov").getAsDouble(), 1e-12);
        assertEquals(2, corpus.getAsJsonArray("covered").size() + corpus.getAsJsonArray("missing").size());
        assertTrue(summary.startsWith("Cov "), summary);
        assertTrue(Files.exists(dir.resolve("cov.html")));

        String json = run("explain-feature", "--model", model, "--sae", sae, "--k", "8", "--layer", "1",
                "--feature", "235", "--corpus", data.toString(), "--tokens", "3", "--json");
        JsonArray explained = JsonParser.parseString(json).getAsJsonArray();
        JsonObject e = explained.get(0).getAsJsonObject();
        assertEquals(235, e.get("feature").getAsInt());
        assertEquals(3, e.getAsJsonArray("tokens").size());
        for (var c : e.getAsJsonArray("contexts")) {
            assertTrue(c.getAsJsonObject().get("snippet").getAsString().contains("[["));
        }
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
