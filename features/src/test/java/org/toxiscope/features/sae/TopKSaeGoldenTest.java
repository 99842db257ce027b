package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.Golden;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.SparseVector;

class TopKSaeGoldenTest {

    private static final float TOLERANCE = 1e-4f;
    private final SaeResolver resolver = new SaeResolver(new HfCache(Map.of()));

    private static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " [" + i + "]");
        }
    }

    private static long[] sorted(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void encodesAndDecodesTheLastTokenLikeTheGolden(String model) throws IOException {
        JsonObject golden = Golden.load(model).root;
        SaeSpec spec = resolver.resolve(SharedFixtures.path(model + "-sae").toString(), 1, 8, null);
        assertEquals(SaeActivation.TOPK, spec.activation());
        try (NDManager manager = NDManager.newBaseManager(); TopKSae sae = TopKSae.load(spec, manager)) {
            assertEquals(64, sae.dModel());
            assertEquals(512, sae.dSae());
            assertFalse(sae.decoderLoaded());
            List<float[]> residuals = new ArrayList<>();
            for (JsonElement t : golden.getAsJsonArray("texts")) {
                JsonObject text = t.getAsJsonObject();
                JsonObject expected = text.getAsJsonObject("sae");
                float[] x = Golden.floats(text.get("resid_block1_last"));
                residuals.add(x);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray input = scope.create(x, new Shape(1, 64));
                    SaeCodes codes = sae.encode(input);
                    String what = model + " " + text.get("lang").getAsString();
                    assertArrayEquals(Golden.longs(Golden.last(expected.get("topk_indices"))),
                            codes.indices().toLongArray(), what);
                    assertClose(Golden.floats(Golden.last(expected.get("topk_values"))), codes.values().toFloatArray(),
                            TOLERANCE, what);
                    assertClose(Golden.floats(expected.get("x_hat_last")), sae.decode(codes).toFloatArray(), TOLERANCE,
                            what + " x_hat");
                }
            }
            assertTrue(sae.decoderLoaded());
            encodesABatchLikeSingleRows(manager, sae, golden, residuals);
            JsonObject steering = golden.getAsJsonObject("steering");
            float alpha = steering.get("alpha").getAsFloat();
            float[] column = sae.decoderColumn(steering.get("feature").getAsInt());
            for (int i = 0; i < column.length; i++) {
                column[i] *= alpha;
            }
            assertClose(Golden.floats(steering.get("vector")), column, 1e-5f, "steering vector");
        }
    }

    private static void encodesABatchLikeSingleRows(NDManager manager, TopKSae sae, JsonObject golden,
            List<float[]> residuals) {
        float[] flat = new float[residuals.size() * 64];
        for (int i = 0; i < residuals.size(); i++) {
            System.arraycopy(residuals.get(i), 0, flat, i * 64, 64);
        }
        try (NDManager scope = manager.newSubManager()) {
            SaeCodes codes = sae.encode(scope.create(flat, new Shape(residuals.size(), 64)));
            long[] indices = codes.indices().toLongArray();
            SparseVector[] rows = codes.toSparseRows();
            for (int i = 0; i < residuals.size(); i++) {
                JsonObject expected = golden.getAsJsonArray("texts").get(i).getAsJsonObject().getAsJsonObject("sae");
                long[] want = Golden.longs(Golden.last(expected.get("topk_indices")));
                assertArrayEquals(want, Arrays.copyOfRange(indices, i * 8, i * 8 + 8), "batch row " + i);
                assertArrayEquals(sorted(want), Arrays.stream(rows[i].indices()).asLongStream().toArray());
            }
        }
    }

    @Test
    void qwen35ScopeFileMatchesTheGoldenAsSets() throws IOException {
        JsonObject golden = Golden.load("qwen3_5-tiny").root;
        SaeSpec spec = resolver.resolve(SharedFixtures.path("qwen3_5-tiny/sae").toString(), 2, 8, null);
        assertEquals(SaeFormat.QWEN_SCOPE_PT, spec.format());
        try (NDManager manager = NDManager.newBaseManager(); TopKSae sae = TopKSae.load(spec, manager)) {
            for (JsonElement t : golden.getAsJsonArray("texts")) {
                JsonObject text = t.getAsJsonObject();
                JsonObject expected = text.getAsJsonObject("sae");
                try (NDManager scope = manager.newSubManager()) {
                    float[] x = Golden.floats(text.getAsJsonObject("resid").get("last_token_full"));
                    SaeCodes codes = sae.encode(scope.create(x, new Shape(1, 64)));
                    assertArrayEquals(sorted(Golden.longs(Golden.last(expected.get("topk_indices")))),
                            sorted(codes.indices().toLongArray()), text.get("id").getAsString());
                    assertClose(Golden.floats(expected.get("x_hat_last_token")), sae.decode(codes).toFloatArray(),
                            5e-4f, "x_hat");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void saeLensCopyEncodesAndDecodesLikeTheScopeFile(boolean relu) throws IOException {
        JsonObject golden = Golden.load("qwen3_5-tiny").root;
        SaeSpec pt = resolver.resolve(SharedFixtures.path("qwen3_5-tiny/sae/layer2.sae.pt").toString(), null, 8, relu);
        SaeSpec lens = resolver.resolve(SharedFixtures.path("qwen3_5-tiny/sae/sae_lens").toString(), 2, null, relu);
        assertEquals(SaeFormat.SAELENS, lens.format());
        assertEquals(8, lens.k());
        assertEquals(relu ? SaeActivation.TOPK_RELU : SaeActivation.TOPK, lens.activation());
        assertEquals(pt.activation(), lens.activation());
        try (NDManager manager = NDManager.newBaseManager(); TopKSae a = TopKSae.load(pt, manager);
                TopKSae b = TopKSae.load(lens, manager)) {
            int negative = 0;
            for (JsonElement t : golden.getAsJsonArray("texts")) {
                try (NDManager scope = manager.newSubManager()) {
                    float[] x = Golden.floats(t.getAsJsonObject().getAsJsonObject("resid").get("last_token_full"));
                    NDArray input = scope.create(x, new Shape(1, 64));
                    SaeCodes ca = a.encode(input);
                    SaeCodes cb = b.encode(input);
                    assertArrayEquals(ca.toSparseRows()[0].indices(), cb.toSparseRows()[0].indices());
                    assertClose(ca.values().toFloatArray(), cb.values().toFloatArray(), 1e-5f, "values");
                    assertClose(a.decode(ca).toFloatArray(), b.decode(cb).toFloatArray(), 1e-5f, "decode");
                    for (float v : ca.values().toFloatArray()) {
                        negative += v < 0 ? 1 : 0;
                    }
                }
            }
            assertEquals(relu, negative == 0, "ReLU removes exactly the negative kept values");
        }
    }
}
