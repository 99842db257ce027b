package org.toxiscope.features.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.Golden;

/** Text -> SAE features through the batched pipeline reproduces the golden per-token top-k and pooled vectors. */
class FeatureSessionGoldenTest {

    private static final float TOLERANCE = 1e-4f;

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void perTokenTopKAndPoolsMatchGolden(String name) throws Exception {
        Golden golden = Golden.load(name);
        String sae = golden.modelDir.resolveSibling(name + "-sae").toString();
        List<String> texts = new ArrayList<>();
        golden.texts().forEach(t -> texts.add(t.getAsJsonObject().get("text").getAsString()));
        SessionSpec spec = SessionSpec.of(golden.modelDir.toString(), sae, List.of(1)).withSae(8, false);
        try (FeatureSession session = FeatureSession.open(spec.withExtraction(Pooling.MAX, 0, 64, 3))) {
            assertEquals(2, session.model().loadedBlocks(), "early exit: blocks 0..1 only");
            TextFeatures[] features = session.extract(texts, true);
            for (int i = 0; i < texts.size(); i++) {
                JsonObject text = golden.text(i);
                JsonObject expected = text.getAsJsonObject("sae");
                assertArrayEquals(Golden.ints(text.getAsJsonArray("ids")), features[i].tokenIds());
                TokenCodes codes = features[i].tokens().get(1);
                var goldIdx = expected.getAsJsonArray("topk_indices");
                var goldVal = expected.getAsJsonArray("topk_values");
                assertEquals(goldIdx.size(), codes.indices().length);
                for (int t = 0; t < goldIdx.size(); t++) {
                    assertArrayEquals(Golden.ints(goldIdx.get(t).getAsJsonArray()), codes.indices()[t], "token " + t);
                    assertArrayEquals(Golden.floats(goldVal.get(t).getAsJsonArray()), codes.values()[t], TOLERANCE);
                }
                assertPooled(expected.getAsJsonObject("max_pool"), features[i].pooled().get(1));
            }
        }
        try (FeatureSession session = FeatureSession.open(spec.withExtraction(Pooling.MEAN, 0,
                SessionSpec.DEFAULT_BATCH_TOKENS, SessionSpec.DEFAULT_MAX_BATCH))) {
            TextFeatures[] features = session.extract(texts, false);
            for (int i = 0; i < texts.size(); i++) {
                assertPooled(golden.text(i).getAsJsonObject("sae").getAsJsonObject("mean_pool"),
                        features[i].pooled().get(1));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny"})
    void cacheServesASecondRunAndSurvivesATornTail(String name) throws Exception {
        Golden golden = Golden.load(name);
        String sae = golden.modelDir.resolveSibling(name + "-sae").toString();
        List<String> texts = new ArrayList<>();
        golden.texts().forEach(t -> texts.add(t.getAsJsonObject().get("text").getAsString()));
        List<Map<Integer, SparseVector>> first;
        Path cacheFile;
        try (FeatureSession session = FeatureSession.open(SessionSpec.of(golden.modelDir.toString(), sae, List.of(1))
                .withSae(8, false))) {
            session.useCache(temp);
            first = session.pooled(texts);
        }
        try (var files = java.nio.file.Files.list(temp)) {
            cacheFile = files.filter(p -> p.toString().endsWith(".tsfc")).findFirst().orElseThrow();
        }
        // Tear the last record as a kill mid-write would.
        long size = java.nio.file.Files.size(cacheFile);
        try (var ch = java.nio.channels.FileChannel.open(cacheFile, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        try (FeatureCache cache = FeatureCache.open(temp, keyOf(cacheFile))) {
            assertEquals(texts.size() - 1, cache.size(), "only the torn record is lost");
        }
        try (FeatureSession session = FeatureSession.open(SessionSpec.of(golden.modelDir.toString(), sae, List.of(1))
                .withSae(8, false))) {
            session.useCache(temp);
            // The recomputed text ran in a batch of its own: same features, values equal up to float rounding.
            List<Map<Integer, SparseVector>> second = session.pooled(texts);
            for (int i = 0; i < texts.size(); i++) {
                SparseVector a = first.get(i).get(1);
                SparseVector b = second.get(i).get(1);
                assertArrayEquals(a.indices(), b.indices(), "text " + i);
                assertArrayEquals(a.values(), b.values(), 1e-5f, "text " + i);
            }
        }
        try (FeatureCache cache = FeatureCache.open(temp, keyOf(cacheFile))) {
            assertEquals(texts.size(), cache.size(), "the lost record was recomputed and stored again");
        }
    }

    private static String keyOf(Path cacheFile) throws Exception {
        try (var in = new java.io.DataInputStream(java.nio.file.Files.newInputStream(cacheFile))) {
            in.readFully(new byte[5]);
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            return new String(key, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void assertPooled(JsonObject expected, SparseVector actual) {
        assertEquals(expected.size(), actual.size(), "non-zero pooled features");
        for (var e : expected.entrySet()) {
            int index = Integer.parseInt(e.getKey());
            assertTrue(actual.get(index) != 0f, "feature " + index + " missing");
            assertEquals(e.getValue().getAsFloat(), actual.get(index), TOLERANCE, "feature " + index);
        }
    }
}
