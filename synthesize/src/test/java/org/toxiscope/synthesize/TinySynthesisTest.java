package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.datasets.CorpusWriter;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;

/** Synthesis end to end on the tiny Qwen3 fixture with its layer-1 SAE (k 8). */
class TinySynthesisTest {

    private static FeatureSession model;
    private static ClassifierBundle bundle;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        Path modelDir = SharedFixtures.path("qwen3-tiny");
        Path sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt");
        model = FeatureSession.open(SessionSpec.of(modelDir.toString(), sae.toString(), List.of(1)).withSae(8, false)
                .withWholeModel());
        bundle = RuleBundles.extractedAs(ExtractionProvenance.of(model));
    }

    @AfterAll
    static void close() throws Exception {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void steeredGreedyReproducesTheGoldenTokens() throws Exception {
        JsonObject golden = JsonParser.parseString(Files.readString(SharedFixtures.path("qwen3-tiny.golden.json")))
                .getAsJsonObject();
        JsonObject steer = golden.getAsJsonObject("steering");
        Target target = new Target(new FeatureRef(steer.get("layer").getAsInt(), steer.get("feature").getAsInt()),
                Double.NaN, "golden");
        float alpha = steer.get("alpha").getAsFloat();
        float[] d = model.direction(target.layer(), target.feature(), false);
        for (int i = 0; i < d.length; i++) {
            d[i] *= alpha;
        }
        Generator generator = new Generator(model.model());
        int checked = 0;
        for (var t : golden.getAsJsonArray("texts")) {
            JsonObject text = t.getAsJsonObject();
            if (!text.has("greedy_steered")) {
                continue;
            }
            int[] prompt = ints(text.getAsJsonArray("ids"));
            try (NDManager m = model.manager().newSubManager()) {
                int[] out = generator.generate(m, new int[][] {prompt}, 12, Sampling.GREEDY,
                        new Steering(Map.of(target.layer(), d), 0), false)[0];
                assertArrayEquals(ints(text.getAsJsonObject("greedy_steered").getAsJsonArray("new_tokens")), out);
            }
            checked++;
        }
        assertTrue(checked >= 3);
    }

    @Test
    void perRowStartsSteerEachRowFromItsOwnPromptEnd() throws Exception {
        Target target = new Target(new FeatureRef(1, 235), Double.NaN, "test");
        float[] d = model.direction(target.layer(), target.feature(), true);
        for (int i = 0; i < d.length; i++) {
            d[i] *= 50;
        }
        int[][] prompts = model.tokenizer().encodeAll(List.of("Hello world, this is a longer prompt", "Hi"));
        Generator generator = new Generator(model.model());
        try (NDManager m = model.manager().newSubManager()) {
            int[][] batched = generator.generate(m, prompts, 8, Sampling.GREEDY, Steering.perRow(Map.of(1, d),
                    new int[] {prompts[0].length, prompts[1].length}), false);
            for (int r = 0; r < 2; r++) {
                int[] alone = generator.generate(m, new int[][] {prompts[r]}, 8, Sampling.GREEDY,
                        new Steering(Map.of(1, d), prompts[r].length), false)[0];
                assertArrayEquals(alone, batched[r], "row " + r);
            }
        }
    }

    private SteerGenerator steer(long seed) {
        return new SteerGenerator(model, new SteerSettings(new double[] {5, 20, 100}, false, false, false, 0.8, 0.95,
                0, seed, 6, 4), SeedPrompt.TEMPLATES);
    }

    private static List<Target> targets() {
        List<Target> t = new ArrayList<>();
        for (int f : new int[] {235, 7, 100}) {
            t.add(new Target(new FeatureRef(1, f), Double.NaN, "test"));
        }
        return t;
    }

    private void run(Path out, long seed, boolean resume, int stopAfterTarget) throws Exception {
        List<Target> targets = targets();
        List<FeatureExplanation> explanations = new FeatureExplainer(model, targets, 0).explain(4);
        Synthesizer synth = new Synthesizer(steer(seed), new Verifier(model, bundle), null,
                new Synthesizer.Settings(2, 8, Map.of("model", "tiny", "sae", "tiny-sae", "classifier", "rule",
                        "seed", Long.toString(seed))));
        try (CorpusWriter w = CorpusWriter.open(out, Synthesizer.COLUMNS, new OutputPolicy(
                resume ? OutputPolicy.Existing.RESUME : OutputPolicy.Existing.REFUSE, Map.of()))) {
            synth.run(targets, explanations, w, (i, n, t, kept, tried) -> {
                if (i == stopAfterTarget) {
                    throw new IllegalStateException("interrupted");
                }
            });
            w.commit();
        }
    }

    @Test
    void keptRecordsFireTheirTargetAndRunsAreReproducibleAndResumable() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path c = dir.resolve("c.jsonl");
        run(a, 42, false, -1);
        assertThrows(IllegalStateException.class, () -> run(c, 42, false, 1));
        assertFalse(Files.exists(c));
        run(c, 42, true, -1);
        // The resumed run regenerates with the same seed: equal bytes also show same seed, same output.
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c), "resumed run equals an uninterrupted one");

        SynthesisRecords records = SynthesisRecords.read(a);
        assertFalse(records.entries().isEmpty(), "steering on the tiny model keeps something");
        TextFeatures[] again = model.extract(records.entries().stream().map(SynthesisRecords.Entry::text).toList(),
                false);
        List<String> lines = Files.readAllLines(a);
        for (int i = 0; i < again.length; i++) {
            SynthesisRecords.Entry e = records.entries().get(i);
            float activation = again[i].pooled().get(e.target().layer()).get(e.target().feature());
            assertTrue(activation > 0, e.id() + " fires its target when re-encoded");
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(activation, o.get("feature_activation").getAsFloat(), 1e-5);
            assertEquals("steer", o.get("generator").getAsString());
            assertTrue(Set.of("harmful", "benign").contains(o.get("label").getAsString()));
            assertTrue(o.get("text").getAsString().startsWith(o.get("prompt").getAsString()));
        }

        // Coverage of the synthesized set in the report equals a recomputation from the records.
        List<Target> targets = targets();
        FiringSets sets = new FiringSets(targets);
        CorpusPass.of("test", model, CorpusPass.Need.FULL).chunk(5).chunks(records.texts(null).iterator())
                .forEachRemaining(sets::accept);
        Path reportFile = dir.resolve("cov.json");
        new CoverageReport(targets, new JsonObject(), 0).synthesized("all", sets)
                .targetStats(records.stats(targets, targets, 2, 8)).write(reportFile);
        JsonObject report = JsonParser.parseString(Files.readString(reportFile)).getAsJsonObject();
        int covered = 0;
        for (Target t : targets) {
            boolean any = false;
            for (TextFeatures f : again) {
                any |= f.pooled().get(t.layer()).get(t.feature()) > 0;
            }
            covered += any ? 1 : 0;
        }
        assertEquals((double) covered / targets.size(),
                report.getAsJsonObject("synthesized").getAsJsonObject("all").get("cov").getAsDouble(), 1e-12);
        JsonArray per = report.getAsJsonArray("per_target");
        for (int t = 0; t < targets.size(); t++) {
            FeatureRef ref = targets.get(t).ref();
            long kept = records.entries().stream().filter(e -> e.target().equals(ref)).count();
            assertEquals(kept, per.get(t).getAsJsonObject().get("kept").getAsLong());
        }
        assertTrue(Files.readString(dir.resolve("cov.html")).contains("Feature coverage"));
    }

    @Test
    void describeRunsOnTheTinyModelWithGibberish() throws Exception {
        TextGenerator instruct = new TextGenerator(model.model(), model.tokenizer(), model.manager());
        DescribeGenerator describe = new DescribeGenerator(instruct, new DescribeSettings(2, List.of("roleplay"), false,
                0.8, 0.95, 0, 42, 6));
        Target target = targets().get(0);
        FeatureExplanation e = new FeatureExplainer(model, List.of(target), 0).explain(3).get(0);
        List<Candidate> candidates = describe.batch(target, e, 0, 0);
        assertEquals(4, candidates.size(), "2 direct requests and 2 rewrites");
        assertEquals(List.of(0, 1, 2, 3), candidates.stream().map(Candidate::attempt).toList());
        assertEquals("roleplay", candidates.get(3).style());
        assertEquals(candidates.stream().map(Candidate::text).toList(),
                describe.batch(target, e, 0, 0).stream().map(Candidate::text).toList(), "deterministic per batch");
        List<String> responses = new Responder(instruct, 4).respond(List.of("hello"), List.of(Verifier.HARMFUL));
        assertEquals(1, responses.size());
    }

    @Test
    void snippetsMarkTheFiringTokenInItsContext() {
        int[] ids = model.tokenizer().encode("The quick brown fox");
        assertEquals("[[The]] quick brown fox", FeatureExplainer.snippet(model.tokenizer(), ids, 0).text());
        assertEquals("The quick[[ brown]] fox", FeatureExplainer.snippet(model.tokenizer(), ids, 2).text());
    }

    @Test
    void chatTemplateIsQwens() {
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n",
                new ChatTemplate(false).render("S", "U"));
        assertTrue(ChatTemplate.forModelType("qwen3").render("S", "U").endsWith("<think>\n\n</think>\n\n"));
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }
}
