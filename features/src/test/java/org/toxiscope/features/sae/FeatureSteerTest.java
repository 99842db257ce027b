package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.Golden;
import org.toxiscope.features.SharedFixtures;
import org.toxiscope.features.model.ComputeDtype;

/** Steering terms parse strictly and sum to the golden {@code alpha * W_dec[:, f]}; random SAEs have their shape. */
class FeatureSteerTest {

    @Test
    void parsesFeatureAndAlpha() {
        assertEquals(new FeatureSteer(1234, 4f), FeatureSteer.parse("1234:4"));
        assertEquals(new FeatureSteer(7, -2.5f), FeatureSteer.parse("7:-2.5"));
        for (String bad : List.of("12", ":3", "12:", "a:1", "1:b", "-1:2", "3:NaN", "1.5:2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureSteer.parse(bad));
            assertTrue(e.getMessage().startsWith("--steer '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void vectorIsTheGoldenScaledColumn() throws Exception {
        JsonObject golden = Golden.load("qwen3-tiny").root;
        JsonObject steering = golden.getAsJsonObject("steering");
        int feature = steering.get("feature").getAsInt();
        float alpha = steering.get("alpha").getAsFloat();
        SaeSpec spec = new SaeResolver(new HfCache(Map.of())).resolve(
                SharedFixtures.path("qwen3-tiny-sae").toString(), 1, 8, null);
        try (NDManager manager = NDManager.newBaseManager(); TopKSae sae = TopKSae.load(spec, manager)) {
            float[] expected = Golden.floats(steering.get("vector"));
            float[] raw = FeatureSteer.vector(sae, List.of(new FeatureSteer(feature, alpha)), false);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], raw[i], 1e-6f, "component " + i);
            }
            float[] unit = FeatureSteer.vector(sae, List.of(new FeatureSteer(feature, alpha)), true);
            assertEquals(alpha, norm(unit), 1e-4);
            float[] two = FeatureSteer.vector(sae, List.of(new FeatureSteer(feature, alpha),
                    new FeatureSteer(feature, -alpha)), false);
            assertEquals(0, norm(two), 1e-6);
            assertThrows(IllegalArgumentException.class,
                    () -> FeatureSteer.vector(sae, List.of(new FeatureSteer(512, 1f)), false));
        }
    }

    @Test
    void randomSaeHasTheAskedShapeAndUnitDecoderRows() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             TopKSae sae = TopKSae.random(32, 256, 5, 3, ComputeDtype.F32, manager)) {
            assertEquals(32, sae.dModel());
            assertEquals(256, sae.dSae());
            assertEquals(5, sae.k());
            assertEquals(3, sae.spec().layer());
            assertTrue(sae.decoderLoaded());
            assertEquals(1, norm(sae.decoderColumn(17)), 1e-5);
            NDArray x = manager.randomNormal(new Shape(4, 32));
            try (SaeCodes codes = sae.encode(x)) {
                assertEquals(new Shape(4, 5), codes.indices().getShape());
                assertEquals(new Shape(4, 32), sae.decode(codes).getShape());
            }
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }
}
