package org.toxiscope.synthesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.datasets.ColumnMapping;
import org.toxiscope.datasets.Corpus;
import org.toxiscope.datasets.OutputPolicy;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;

/** Synthesize labels with the bundle's own extraction settings and refuses, before generating, what differs. */
class SynthesisRunTest {

    private static String model;
    private static String sae;
    /** What the tiny model and SAE extract with k 8, no ReLU, max pooling, no token limit. */
    private static ExtractionProvenance tiny;

    /** Above any firing rate: every target the seed corpus covers counts as weak and is synthesized for. */
    private static final double WEAK_BELOW = 1.1;

    @TempDir
    Path dir;

    @BeforeAll
    static void provenance() throws Exception {
        model = SharedFixtures.path("qwen3-tiny").toString();
        sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        try (FeatureSession session = FeatureSession.open(SessionSpec.of(model, sae, List.of(1)).withSae(8, false))) {
            tiny = ExtractionProvenance.of(session);
        }
    }

    private static ExtractionProvenance with(String pooling, int maxTokens) {
        return new ExtractionProvenance(tiny.modelId(), tiny.modelConfigSha256(), tiny.modelWeightsDigest(),
                tiny.tokenizerSha256(), tiny.saeId(), tiny.saeSha256(), tiny.saeWidth(), tiny.k(), tiny.relu(), pooling, maxTokens, tiny.dtype(), tiny.runtime());
    }

    private static List<Target> targets() {
        return List.of(new Target(new FeatureRef(1, 235), Double.NaN, "test"));
    }

    private SynthesisJob job(Corpus seedCorpus) {
        return new SynthesisJob(seedCorpus, new SteerSettings(new double[] {5, 20, 100}, false, false, false, 0.8, 0.95,
                0, 42, 6, 4), null, false, 0, null, null, 2, 3, 0, false, 1, 24,
                new CoverageSettings(WEAK_BELOW, 2, 42),
                dir.resolve("synth.jsonl"), null, OutputPolicy.Existing.REFUSE);
    }

    private String refusal(ModelChoice choice, ClassifierBundle bundle) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SynthesisRun.synthesize(choice, bundle, "bundle.tsc", targets(), job(null), out -> { }));
        assertFalse(Files.exists(dir.resolve("synth.jsonl")), "refused before any generation");
        return e.getMessage();
    }

    @Test
    void aMeanPooledBundleIsRefusedNamingPooling() {
        String message = refusal(new ModelChoice(model, sae, null, null, "cpu", "auto"),
                RuleBundles.extractedAs(with("mean", 0)));
        assertTrue(message.contains("pooling is max but the classifier was trained with mean"), message);
    }

    @Test
    void aKFlagOtherThanTheBundlesIsRefusedNamingK() {
        String message = refusal(new ModelChoice(model, sae, 16, null, "cpu", "auto"), RuleBundles.extractedAs(tiny));
        assertTrue(message.contains("SAE k is 16 but the classifier was trained with k 8"), message);
    }

    @Test
    void theSessionTakesTheBundlesTokenLimitAndLayers() {
        SessionSpec spec = new ModelChoice(null, null, null, null, "cpu", "auto").spec(
                RuleBundles.extractedAs(with("max", 5)),
                List.of(new Target(new FeatureRef(0, 1), Double.NaN, "test")));
        assertEquals(5, spec.maxTokens());
        assertEquals(Pooling.MAX, spec.pooling());
        assertEquals(8, spec.k());
        assertEquals(List.of(0, 1), spec.layers());
        assertEquals(tiny.modelId(), spec.model());
        assertTrue(spec.wholeModel());
        assertEquals("f32", spec.dtype(), "auto: the dtype the bundle was trained with");
    }

    @Test
    void dtypeAutoIsTheBundlesAndAnExplicitOneIsKept() {
        ExtractionProvenance bf16 = new ExtractionProvenance(tiny.modelId(), tiny.modelConfigSha256(),
                tiny.modelWeightsDigest(), tiny.tokenizerSha256(), tiny.saeId(), tiny.saeSha256(), tiny.saeWidth(),
                tiny.k(), tiny.relu(), "max", 0, "bf16", tiny.runtime());
        List<Target> targets = List.of(new Target(new FeatureRef(1, 1), Double.NaN, "test"));
        assertEquals("bf16", new ModelChoice(null, null, null, null, "cpu", "auto")
                .spec(RuleBundles.extractedAs(bf16), targets).dtype());
        assertEquals("f32", new ModelChoice(null, null, null, null, "cpu", "F32")
                .spec(RuleBundles.extractedAs(bf16), targets).dtype());
    }

    @Test
    void aDtypeOtherThanTheBundlesIsRefusedNamingTheFlag() {
        String message = refusal(new ModelChoice(model, sae, null, null, "cpu", "bf16"), RuleBundles.extractedAs(tiny));
        assertTrue(message.contains("dtype is bf16 but the classifier was trained with f32: run with --dtype f32 "
                + "(or retrain with --dtype bf16)"), message);
    }

    @Test
    void aMatchingBundleSynthesizesAndRecordsTheSessionsSettings() throws Exception {
        Path seed = Files.writeString(dir.resolve("seed.jsonl"), "{\"id\":\"a\",\"text\":\"The quick brown fox\"}\n");
        SynthesisRun.Written written = SynthesisRun.synthesize(new ModelChoice(model, sae, 8, null, "cpu", "auto"),
                RuleBundles.extractedAs(tiny), "bundle.tsc", targets(),
                job(Corpus.of(List.of(seed.toString()), ColumnMapping.defaults())), out -> { });
        assertEquals(dir.resolve("synth.coverage.json"), written.report());
        JsonObject report = JsonParser.parseString(Files.readString(written.report())).getAsJsonObject();
        assertEquals(tiny.modelId(), report.getAsJsonObject("provenance").get("model").getAsString());
        assertEquals("f32", report.getAsJsonObject("provenance").get("dtype").getAsString());
        List<String> lines = Files.readAllLines(written.output());
        assertEquals(lines.size(), written.records());
        assertFalse(lines.isEmpty(), "steering the tiny model keeps something");
        for (String line : lines) {
            String recorded = JsonParser.parseString(line).getAsJsonObject().get("sae").getAsString();
            // The session's limit as it applied it: qwen3-tiny's max_position_embeddings.
            assertTrue(recorded.contains("k 8, relu false, pooling max, max_tokens 4096, dtype f32"), recorded);
        }
    }
}
