package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.extract.FeatureExtractor;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.extract.TextFeatures;
import org.toxiscope.features.sae.SaeResolver;
import org.toxiscope.features.sae.SaeSpec;
import org.toxiscope.features.sae.TopKSae;

/**
 * Attention in query blocks changes nothing: long left-padded texts (and a continuation after a cached prefix) give
 * the residuals and SAE features of the unblocked computation (one block holding every query row).
 */
class BlockedAttentionTest {

    private static final float TOLERANCE = 1e-4f;
    private static final int HEADS = 4;

    @Test
    void queryRowsFitTheBudget() {
        assertEquals(64, Attention.queryRows(1, 16, 32_768, 32_768, Attention.SCORE_BUDGET));
        assertEquals(1, Attention.queryRows(8, 16, 32_768, 32_768, 1));
        assertEquals(10, Attention.queryRows(1, 16, 10, 10, Long.MAX_VALUE));
    }

    @Test
    void longBatchBlockedEqualsUnblocked() throws Exception {
        int[][] texts = {randomIds(3001, 1), randomIds(2400, 2)};
        // 97 query rows per block for the 3001 keys of this batch of two: many blocks, the last one partial.
        long budget = 97L * texts.length * HEADS * 3001 * Float.BYTES;
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(SharedFixtures.path("qwen3-tiny").toString());
             Qwen3Model whole = Qwen3Model.load(ckpt.config(), ckpt, Device.cpu(), ComputeDtype.F32, 1, Long.MAX_VALUE);
             Qwen3Model blocked = Qwen3Model.load(ckpt.config(), ckpt, Device.cpu(), ComputeDtype.F32, 1, budget);
             NDManager manager = NDManager.newBaseManager()) {
            assertEquals(HEADS, ckpt.config().numHeads());
            assertEquals(97, Attention.queryRows(texts.length, HEADS, 3001, 3001, budget));
            // Padding positions hold whatever a fully masked row gives; only the real tokens' residuals count.
            int[] padding = {0, 3001 - 2400};
            assertClose(FeatureExtractor.realTokens(residual(whole, manager, texts), padding),
                    FeatureExtractor.realTokens(residual(blocked, manager, texts), padding));

            SaeSpec spec = new SaeResolver(new HfCache(Map.of()))
                    .resolve(SharedFixtures.path("qwen3-tiny-sae").toString(), 1, 8, null);
            SessionSpec settings = SessionSpec.of("tiny", "tiny", List.of(1))
                    .withExtraction(Pooling.MEAN, 0, 8192, 2);
            try (TopKSae sae = TopKSae.load(spec, manager)) {
                TextFeatures[] a = new FeatureExtractor(whole, null, Map.of(1, sae), settings, false)
                        .extractTokens(manager, texts, new boolean[2]);
                TextFeatures[] b = new FeatureExtractor(blocked, null, Map.of(1, sae), settings, false)
                        .extractTokens(manager, texts, new boolean[2]);
                for (int i = 0; i < texts.length; i++) {
                    assertPooledClose(a[i].pooled().get(1), b[i].pooled().get(1));
                }
            }
        }
    }

    @Test
    void continuationAfterCachedPrefixBlockedEqualsUnblocked() throws Exception {
        int[] text = randomIds(2600, 3);
        int[] prefix = java.util.Arrays.copyOf(text, 1500);
        int[] rest = java.util.Arrays.copyOfRange(text, 1500, text.length);
        long budget = 61L * HEADS * text.length * Float.BYTES;
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(SharedFixtures.path("qwen3-tiny").toString());
             Qwen3Model whole = Qwen3Model.load(ckpt.config(), ckpt, Device.cpu(), ComputeDtype.F32, 1, Long.MAX_VALUE);
             Qwen3Model blocked = Qwen3Model.load(ckpt.config(), ckpt, Device.cpu(), ComputeDtype.F32, 1, budget);
             NDManager manager = NDManager.newBaseManager()) {
            NDArray expected = residual(whole, manager, new int[][] {text})
                    .get(new NDIndex(":, {}:, :", prefix.length));
            try (DecodeState state = blocked.newState(manager, 1)) {
                blocked.forward(manager, new int[][] {prefix}, state, ForwardOptions.residuals(Set.of(1)));
                NDArray actual = blocked.forward(manager, new int[][] {rest}, state,
                        ForwardOptions.residuals(Set.of(1))).residuals().get(1);
                assertClose(expected, actual);
            }
        }
    }

    private static NDArray residual(LanguageModel model, NDManager manager, int[][] texts) {
        try (DecodeState state = model.newState(manager, texts.length)) {
            return model.forward(manager, texts, state, ForwardOptions.residuals(Set.of(1))).residuals().get(1);
        }
    }

    private static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        float err = expected.sub(actual).abs().max().getFloat();
        assertTrue(err <= TOLERANCE, "max abs error " + err + " > " + TOLERANCE);
    }

    /** Mean-pooled features: a top-k near-tie may swap a feature at one token, which moves a mean by ~1/n only. */
    private static void assertPooledClose(SparseVector expected, SparseVector actual) {
        for (int f = 0; f < 512; f++) {
            assertEquals(expected.get(f), actual.get(f), 1e-3, "feature " + f);
        }
    }

    private static int[] randomIds(int n, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(150_000);
        }
        return ids;
    }
}
