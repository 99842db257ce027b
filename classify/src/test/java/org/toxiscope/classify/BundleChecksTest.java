package org.toxiscope.classify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.features.CheckpointCopies;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.extract.FeatureSession;
import org.toxiscope.features.extract.SessionSpec;

/** What a bundle checks: the model's weights and tokenizer, its features against the SAE, its own numbers. */
class BundleChecksTest {

    @TempDir
    Path dir;

    private static ClassifierBundle rule(ExtractionProvenance extraction, FeatureRef... features) {
        return new ClassifierBundle(Method.RULE, List.of(new LabelClassifier("toxic",
                new FeatureRule(List.of(features)), Thresholds.global(0.5))), new Provenance(extraction, "d", null,
                0.5, 1, null, "test", "now"), null);
    }

    private static ExtractionProvenance of(Path model, String sae) throws IOException {
        try (FeatureSession s = FeatureSession.open(SessionSpec.of(model.toString(), sae, List.of(1))
                .withSae(8, false))) {
            return ExtractionProvenance.of(s);
        }
    }

    @Test
    void aBundleTrainedOnOtherWeightsWithTheSameConfigOrAnotherTokenizerIsRefusedNamingTheField() throws Exception {
        Path fixture = SharedFixtures.path("qwen3-tiny");
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        Path a = CheckpointCopies.copy(fixture, dir.resolve("a"), null, 1f);
        Path other = CheckpointCopies.copy(fixture, dir.resolve("other"), "model.layers.0.input_layernorm.weight", 2f);
        Path tokenizer = CheckpointCopies.copy(fixture, dir.resolve("tokenizer"), null, 1f);
        Files.writeString(tokenizer.resolve("tokenizer.json"), "\n", StandardOpenOption.APPEND);
        ExtractionProvenance trained = of(a, sae);
        Path file = dir.resolve("rule.tsc");
        rule(trained, new FeatureRef(1, 5)).save(file);
        ClassifierBundle bundle = ClassifierBundle.load(file);

        assertDoesNotThrow(() -> bundle.checkCompatible(of(a, sae)));
        ExtractionProvenance otherWeights = of(other, sae);
        assertEquals(trained.modelConfigSha256(), otherWeights.modelConfigSha256(), "the same config.json");
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> bundle.checkCompatible(otherWeights));
        assertTrue(w.getMessage().contains(file.toString()) && w.getMessage().contains("model weights digest is "
                + otherWeights.modelWeightsDigest()), w.getMessage());
        assertFalse(w.getMessage().contains("tokenizer"), w.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> bundle.checkCompatible(of(tokenizer, sae)));
        assertTrue(t.getMessage().contains("tokenizer sha256 is "), t.getMessage());
        assertFalse(t.getMessage().contains("weights"), t.getMessage());
    }

    @Test
    void aBundleWrittenBeforeIdentityWasRecordedIsAcceptedWithOneWarningLine() throws Exception {
        ExtractionProvenance now = ClassifierBundleTest.EXTRACTION;
        ExtractionProvenance old = new ExtractionProvenance(now.modelId(), now.modelConfigSha256(), null, null,
                now.saeId(), now.saeSha256(), null, now.k(), now.relu(), now.pooling(), null, null, null);
        Path file = dir.resolve("old.tsc");
        rule(old, new FeatureRef(12, 5)).save(file);
        String manifest = new String(new java.util.zip.ZipFile(file.toFile()).getInputStream(
                new ZipEntry("bundle.json")).readAllBytes(), StandardCharsets.UTF_8);
        assertFalse(manifest.contains("model_weights_digest"), "as an earlier version wrote it");
        ClassifierBundle bundle = ClassifierBundle.load(file);
        String err = stderrOf(() -> bundle.checkCompatible(now));
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(file.toString()) && err.contains("could not be checked"), err);
        assertEquals("", stderrOf(() -> rule(now, new FeatureRef(12, 5)).checkCompatible(now)), "no warning");
    }

    private static String stderrOf(Runnable r) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFeatureBeyondTheSaeWidthIsRefusedNamingBundleLayerFeatureAndWidth() throws Exception {
        ExtractionProvenance now = ClassifierBundleTest.EXTRACTION;
        assertEquals(1000, now.saeWidth().get(12));
        ExtractionProvenance unrecorded = new ExtractionProvenance(now.modelId(), now.modelConfigSha256(),
                now.modelWeightsDigest(), now.tokenizerSha256(), now.saeId(), now.saeSha256(), null, now.k(),
                now.relu(), now.pooling(), now.maxTokens(), now.dtype(), null);
        Path file = dir.resolve("wide.tsc");
        rule(unrecorded, new FeatureRef(12, 5), new FeatureRef(12, 5000)).save(file);
        ClassifierBundle bundle = ClassifierBundle.load(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bundle.checkCompatible(now));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("L12:f5000")
                && e.getMessage().contains("layer 12 has width 1000"), e.getMessage());

        // Where the bundle records the width it was trained with, loading alone refuses it.
        Path recorded = dir.resolve("recorded.tsc");
        rule(now, new FeatureRef(12, 5000)).save(recorded);
        IOException load = assertThrows(IOException.class, () -> ClassifierBundle.load(recorded));
        assertTrue(load.getMessage().contains(recorded.toString()) && load.getMessage().contains("L12:f5000")
                && load.getMessage().contains("width 1000"), load.getMessage());
    }

    @Test
    void thresholdsMustBeFiniteNumbersAndATruncatedFileIsNamed() throws Exception {
        String[] thresholds = {"\"NaN\"", "NaN", "\"abc\"", "[1]", "1e999"};
        for (int i = 0; i < thresholds.length; i++) {
            Path file = dir.resolve("t" + i + ".tsc");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
                zip.putNextEntry(new ZipEntry("bundle.json"));
                zip.write(("{\"format\":\"toxiscope-classifier\",\"format_version\":1,\"method\":\"rule\",\"labels\":"
                        + "[{\"name\":\"toxic\",\"features\":[\"L1:f5\"],\"thresholds\":{\"global\":" + thresholds[i]
                        + "}}],\"provenance\":{\"extraction\":{\"k\":8}}}").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(file), thresholds[i]);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("thresholds.global"),
                    thresholds[i] + ": " + e.getMessage());
        }

        Path whole = dir.resolve("whole.tsc");
        ClassifierTrainer.train(Tables.synthetic(600, 3, "en", "de"), TrainConfig.defaults(Method.LOGREG),
                ClassifierBundleTest.EXTRACTION, "data-sha", "0.1.0").bundle().save(whole);
        Path cut = Files.copy(whole, dir.resolve("cut.tsc"));
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(whole) * 2 / 3);
        }
        IOException e = assertThrows(IOException.class, () -> ClassifierBundle.load(cut));
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("ZLIB"), e.getMessage());
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aLayerTheBundleAsksForIsBlamedOnTheBundleNotOnAFlag() throws Exception {
        Path model = SharedFixtures.path("qwen3-tiny");
        String sae = SharedFixtures.path("qwen3-tiny-sae/layer1.sae.pt").toString();
        Path file = dir.resolve("layer3.tsc");
        rule(ClassifierBundleTest.EXTRACTION, new FeatureRef(3, 5)).save(file);
        ClassifierBundle bundle = ClassifierBundle.load(file);
        Exception e = assertThrows(Exception.class,
                () -> BundleSession.open(bundle, model.toString(), sae, "cpu", "auto", null, 4096).close());
        assertFalse(e.getMessage().contains("--layer"), e.getMessage());
        assertTrue(e.getMessage().contains("layer 3 was asked for by classifier bundle " + file), e.getMessage());
    }
}
