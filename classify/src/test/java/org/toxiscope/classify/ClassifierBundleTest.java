package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierBundleTest {

    static final ExtractionProvenance EXTRACTION = new ExtractionProvenance("Qwen/Qwen3-1.7B-Base", "cfg-aaa",
            "weights-ddd", "tok-eee", "Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50",
            Map.of(12, "sae12-bbb", 13, "sae13-ccc"), Map.of(12, 1000, 13, 1000), 50, true, "max", 0, "f32", null);

    private final FeatureTable data = Tables.synthetic(600, 3, "en", "de");
    private final FeatureTable unseen = Tables.synthetic(200, 4, "en", "de");

    private static void assertSamePredictions(ClassifierBundle a, ClassifierBundle b, FeatureTable t) {
        for (int r = 0; r < t.size(); r++) {
            assertEquals(a.predictAll(t, r), b.predictAll(t, r), "row " + r);
        }
    }

    @Test
    void logregBundleRoundTrips(@TempDir Path dir) throws IOException {
        TrainConfig cfg = new TrainConfig(Method.LOGREG, TrainConfig.LayerChoice.BEST, 0, 0, 1.0, 0.2, 42, true,
                LinearSettings.defaults(Method.LOGREG, 42));
        ClassifierBundle bundle = ClassifierTrainer.train(data, cfg, EXTRACTION, "data-sha", "0.1.0").bundle();
        Path file = dir.resolve("toxic.tsc");
        bundle.save(file);
        ClassifierBundle loaded = ClassifierBundle.load(file);

        assertEquals(Method.LOGREG, loaded.method());
        assertEquals(List.of("toxic", "insult"), loaded.labelNames());
        assertArrayEquals(new int[] {12}, loaded.layers());
        assertEquals(bundle.provenance(), loaded.provenance());
        assertEquals(bundle.metrics(), loaded.metrics());
        assertEquals(bundle.classifiers().get(0).thresholds(), loaded.classifiers().get(0).thresholds());
        assertSamePredictions(bundle, loaded, unseen);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void ruleBundleRoundTrips(@TempDir Path dir) throws IOException {
        TrainConfig cfg = new TrainConfig(Method.RULE, TrainConfig.LayerChoice.BEST, 0, 5, 1.0, 0.2, 42, false, null);
        ClassifierBundle bundle = ClassifierTrainer.train(data, cfg, EXTRACTION, "data-sha", "0.1.0").bundle();
        Path file = dir.resolve("rule.tsc");
        bundle.save(file);
        ClassifierBundle loaded = ClassifierBundle.load(file);
        assertEquals(((FeatureRule) bundle.classifiers().get(0).scorer()).features(),
                ((FeatureRule) loaded.classifiers().get(0).scorer()).features());
        assertSamePredictions(bundle, loaded, unseen);
    }

    @Test
    void mismatchedSaeOrModelIsRefused(@TempDir Path dir) throws IOException {
        TrainConfig cfg = TrainConfig.defaults(Method.RULE);
        Path file = dir.resolve("rule.tsc");
        ClassifierTrainer.train(data, cfg, EXTRACTION, "data-sha", "0.1.0").bundle().save(file);
        ClassifierBundle loaded = ClassifierBundle.load(file);

        assertDoesNotThrow(() -> loaded.checkCompatible(with("cfg-aaa", Map.of(12, "sae12-bbb"))));
        assertDoesNotThrow(() -> loaded.checkCompatible(EXTRACTION));

        IllegalArgumentException sae = assertThrows(IllegalArgumentException.class,
                () -> loaded.checkCompatible(with("cfg-aaa", Map.of(12, "sae12-zzz"))));
        assertTrue(sae.getMessage().contains(file.toString()), sae.getMessage());
        assertTrue(sae.getMessage().contains("SAE for layer 12 has sha256 sae12-zzz"), sae.getMessage());
        assertTrue(sae.getMessage().contains("sae12-bbb"), sae.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> loaded.checkCompatible(with("cfg-aaa", Map.of(13, "sae13-ccc"))));
        assertTrue(missing.getMessage().contains("no SAE given for layer 12"), missing.getMessage());

        IllegalArgumentException model = assertThrows(IllegalArgumentException.class,
                () -> loaded.checkCompatible(with("cfg-other", Map.of(12, "sae12-bbb"))));
        assertTrue(model.getMessage().contains("model config sha256 is cfg-other"), model.getMessage());

        ExtractionProvenance otherK = new ExtractionProvenance(EXTRACTION.modelId(), "cfg-aaa", "weights-ddd", "tok-eee",
                EXTRACTION.saeId(), EXTRACTION.saeSha256(), EXTRACTION.saeWidth(), 100, true, "max", 0, "f32", null);
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> loaded.checkCompatible(otherK));
        assertTrue(k.getMessage().contains("SAE k is 100"), k.getMessage());

        ExtractionProvenance otherLimit = new ExtractionProvenance(EXTRACTION.modelId(), "cfg-aaa", "weights-ddd",
                "tok-eee", EXTRACTION.saeId(), EXTRACTION.saeSha256(), EXTRACTION.saeWidth(), 50, true, "max", 64, "f32", null);
        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class,
                () -> loaded.checkCompatible(otherLimit));
        assertTrue(limit.getMessage().contains("max_tokens is 64 but the classifier was trained with 0"),
                limit.getMessage());
        ExtractionProvenance otherPool = new ExtractionProvenance(EXTRACTION.modelId(), "cfg-aaa", "weights-ddd",
                "tok-eee", EXTRACTION.saeId(), EXTRACTION.saeSha256(), EXTRACTION.saeWidth(), 50, true, "mean", 0, "f32", null);
        IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
                () -> loaded.checkCompatible(otherPool));
        assertTrue(pool.getMessage().contains("pooling is mean"), pool.getMessage());
        // A bundle written before the token limit and dtype were recorded means no limit and f32.
        ExtractionProvenance old = new ExtractionProvenance(EXTRACTION.modelId(), "cfg-aaa", null, null,
                EXTRACTION.saeId(), EXTRACTION.saeSha256(), null, 50, true, "max", null, null, null);
        assertTrue(old.differences(EXTRACTION, loaded.layers()).isEmpty());
    }

    /** The training extraction with another model config and other SAE digests. */
    private static ExtractionProvenance with(String config, Map<Integer, String> saes) {
        return new ExtractionProvenance(EXTRACTION.modelId(), config, EXTRACTION.modelWeightsDigest(),
                EXTRACTION.tokenizerSha256(), EXTRACTION.saeId(), saes, EXTRACTION.saeWidth(), EXTRACTION.k(),
                EXTRACTION.relu(), EXTRACTION.pooling(), EXTRACTION.maxTokens(), EXTRACTION.dtype(), null);
    }

    @Test
    void badFilesGiveClearErrors(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.tsc");
        Files.writeString(junk, "not a zip at all");
        IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(junk));
        assertTrue(e.getMessage().contains(junk.toString()) && e.getMessage().contains("bundle.json"), e.getMessage());

        IOException none = assertThrows(IOException.class, () -> ClassifierBundle.load(dir.resolve("absent.tsc")));
        assertTrue(none.getMessage().contains("no such file"), none.getMessage());
    }

    @Test
    void singleExamplePrediction() throws IOException {
        TrainConfig cfg = TrainConfig.defaults(Method.LOGREG);
        ClassifierBundle bundle = ClassifierTrainer.train(data, cfg, EXTRACTION, "data-sha", "0.1.0").bundle();
        FeatureTable one = FeatureTable.single(new int[] {12}, "x", "en", Tables.fires(1, 3, 5, 7, 60));
        Prediction p = bundle.predict(one, 0);
        assertTrue(p.toxic(), p.toString());
        assertTrue(p.topFeatures().startsWith("L12:f"), p.topFeatures());
    }

    @Test
    void manifestWithMissingOrWrongFieldsIsRefusedClearly(@TempDir Path dir) throws IOException {
        String[] manifests = {
            "{\"format\":\"toxiscope-classifier\",\"format_version\":1,\"method\":\"rule\",\"labels\":[{\"name\":\"toxic\","
                + "\"features\":[\"L99999999999:f1\"]}],\"provenance\":{\"extraction\":{\"k\":50}}}",
            "{\"format\":\"toxiscope-classifier\",\"format_version\":1,\"method\":\"knn\",\"labels\":[{\"name\":\"toxic\"}],"
                + "\"provenance\":{\"extraction\":{}}}",
            "{\"format\":\"toxiscope-classifier\",\"format_version\":1,\"method\":\"logreg\",\"labels\":[{\"name\":\"toxic\","
                + "\"model\":\"model-toxic.tribuo\"}],\"provenance\":{\"extraction\":{}}}",
            "{\"format\":\"toxiscope-classifier\",\"format_version\":7}",
            "{\"format\":[1,2]}",
        };
        String[] expected = {"label 'toxic'", "unknown method 'knn'", "model-toxic.tribuo", "format version 7",
            "bundle.json"};
        for (int i = 0; i < manifests.length; i++) {
            Path file = dir.resolve("bad" + i + ".tsc");
            try (var zip = new ZipOutputStream(Files.newOutputStream(file))) {
                zip.putNextEntry(new ZipEntry("bundle.json"));
                zip.write(manifests[i].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(file), manifests[i]);
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(expected[i]), e.getMessage());
        }
    }

    @Test
    void undefinedMetricsAreNullInBundleJsonAndOldZeroOrNaNFiguresStillLoad(@TempDir Path dir) throws IOException {
        ClassifierBundle trained = ClassifierTrainer.train(data, TrainConfig.defaults(Method.RULE), EXTRACTION,
                "data-sha", "0.1.0").bundle();
        // no toxic row and no toxic decision: precision, recall and F1 are 0/0
        ConfusionMatrix allClean = new ConfusionMatrix(0, 0, 0, 5);
        Path file = dir.resolve("rule.tsc");
        new ClassifierBundle(Method.RULE, trained.classifiers(), trained.provenance(), Map.of("toxic", allClean))
                .save(file);
        String manifest;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            manifest = new String(zip.getInputStream(zip.getEntry("bundle.json")).readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonObject metrics = JsonParser.parseString(manifest).getAsJsonObject().getAsJsonObject("metrics")
                .getAsJsonObject("toxic");
        for (String undefined : List.of("precision", "recall", "f1")) {
            assertTrue(metrics.has(undefined) && metrics.get(undefined).isJsonNull(), manifest);
        }
        assertEquals(1.0, metrics.get("accuracy").getAsDouble());
        assertNull(ClassifierBundle.load(file).metrics().get("toxic").f1());

        String old = manifest.replace("\"precision\": null", "\"precision\": 0.0")
                .replace("\"recall\": null", "\"recall\": 0.0").replace("\"f1\": null", "\"f1\": NaN");
        Path oldFile = dir.resolve("old.tsc");
        try (var zip = new ZipOutputStream(Files.newOutputStream(oldFile))) {
            zip.putNextEntry(new ZipEntry("bundle.json"));
            zip.write(old.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        assertEquals(Map.of("toxic", allClean), ClassifierBundle.load(oldFile).metrics());
        assertNull(ClassifierBundle.load(oldFile).metrics().get("toxic").f1());
    }
}
