package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.SparseVector;
import org.toxiscope.features.io.SafetensorsWriter;

/** SAELens jumprelu / standard / apply_b_dec_to_input on a hand-made 2-in, 3-feature SAE. */
class SaeLensActivationTest {

    @TempDir
    Path tmp;

    /** W_enc (d_in 2, d_sae 3) = [[1, 0, 1], [0, 1, -1]], b_enc 0, b_dec [0.5, 0], W_dec rows = unit vectors. */
    private Path saeLens(String architecture, boolean applyBDec, String hook) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(architecture + applyBDec));
        new SafetensorsWriter()
                .addF32("W_enc", new long[] {2, 3}, 1, 0, 1, 0, 1, -1)
                .addF32("b_enc", new long[] {3}, 0, 0, 0)
                .addF32("W_dec", new long[] {3, 2}, 1, 0, 0, 1, 1, 1)
                .addF32("b_dec", new long[] {2}, 0.5f, 0)
                .addF32("threshold", new long[] {3}, 0.25f, 0.25f, 5f)
                .write(dir.resolve(SaeResolver.SAELENS_WEIGHTS));
        Files.writeString(dir.resolve(SaeResolver.SAELENS_CONFIG), "{\"architecture\":\"" + architecture
                + "\",\"d_in\":2,\"d_sae\":3,\"apply_b_dec_to_input\":" + applyBDec + ",\"hook_name\":\"" + hook
                + "\",\"normalize_activations\":\"none\"}");
        return dir;
    }

    private SparseVector[] encode(Path dir, float... xs) throws IOException {
        SaeSpec spec = new SaeResolver(new HfCache(Map.of())).resolve(dir.toString(), null, null, null);
        try (NDManager m = NDManager.newBaseManager(); TopKSae sae = TopKSae.load(spec, m)) {
            try (SaeCodes codes = sae.encode(m.create(xs, new Shape(xs.length / 2, 2)))) {
                return codes.toSparseRows();
            }
        }
    }

    @Test
    void jumpReluKeepsPreActivationsAboveTheirThreshold() throws IOException {
        Path dir = saeLens("jumprelu", false, "blocks.4.hook_resid_post");
        // x = (1, 0.2): pre = (1, 0.2, 0.8); thresholds (0.25, 0.25, 5) keep feature 0 only.
        // x = (0.3, 2): pre = (0.3, 2, -1.7); keeps 0 and 1.
        SparseVector[] rows = encode(dir, 1f, 0.2f, 0.3f, 2f);
        assertEquals(new SparseVector(new int[] {0}, new float[] {1f}), rows[0]);
        assertEquals(new SparseVector(new int[] {0, 1}, new float[] {0.3f, 2f}), rows[1]);
    }

    @Test
    void standardIsReluAndBDecIsSubtractedWhenAsked() throws IOException {
        Path dir = saeLens("standard", true, "blocks.5.hook_resid_pre");
        // x - b_dec = (0.5, 0.2): pre = (0.5, 0.2, 0.3), all positive.
        SparseVector[] rows = encode(dir, 1f, 0.2f);
        assertArrayEquals(new int[] {0, 1, 2}, rows[0].indices());
        assertArrayEquals(new float[] {0.5f, 0.2f, 0.3f}, rows[0].values(), 1e-6f);
        SaeSpec spec = new SaeResolver(new HfCache(Map.of())).resolve(dir.toString(), null, null, null);
        assertEquals(4, spec.layer(), "hook_resid_pre of block 5 is the output of block 4");
        assertEquals(SaeActivation.RELU, spec.activation());
        try (NDManager m = NDManager.newBaseManager(); TopKSae sae = TopKSae.load(spec, m)) {
            assertArrayEquals(new float[] {1f, 1f}, sae.decoderColumn(2));
            try (SaeCodes codes = sae.encode(m.create(new float[] {1f, 0.2f}, new Shape(1, 2)))) {
                // x_hat = 0.5*(1,0) + 0.2*(0,1) + 0.3*(1,1) + b_dec
                assertArrayEquals(new float[] {1.3f, 0.5f}, sae.decode(codes).toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void refusesUnsupportedConfigs() throws IOException {
        Path gated = saeLens("gated", false, "blocks.1.hook_resid_post");
        SaeResolver resolver = new SaeResolver(new HfCache(Map.of()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> resolver.resolve(gated.toString(), null, null,
                null)).getMessage().contains("architecture 'gated' is not supported"));
        Path attn = saeLens("topk", false, "blocks.1.attn.hook_z");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> resolver.resolve(attn.toString(), null, 4,
                null)).getMessage().contains("not a residual-stream hook"));
        Path noK = saeLens("jumprelu", true, "blocks.1.hook_resid_post");
        Files.writeString(noK.resolve(SaeResolver.SAELENS_CONFIG), "{\"architecture\":\"topk\","
                + "\"hook_name\":\"blocks.1.hook_resid_post\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> resolver.resolve(noK.toString(), null, null,
                null)).getMessage().contains("pass --k"));
    }
}
