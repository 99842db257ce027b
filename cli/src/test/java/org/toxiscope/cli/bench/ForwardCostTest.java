package org.toxiscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.ModelConfig;

class ForwardCostTest {

    /** Non-embedding parameters of the Qwen3 model cards: 0.44B, 1.4B, 3.6B, 6.95B. */
    @Test
    void blockMatricesAddUpToTheModelCardsNonEmbeddingParameters() {
        assertNonEmbedding(BenchShape.QWEN3_0_6B, 0.44e9, 0.01e9);
        assertNonEmbedding(BenchShape.QWEN3_1_7B, 1.4e9, 0.05e9);
        assertNonEmbedding(BenchShape.QWEN3_4B, 3.6e9, 0.05e9);
        assertNonEmbedding(BenchShape.QWEN3_8B, 6.95e9, 0.01e9);
    }

    private static void assertNonEmbedding(BenchShape shape, double expected, double tolerance) {
        ModelConfig config = shape.config(null);
        double sum = 0;
        for (int i = 0; i < config.numLayers(); i++) {
            sum += ForwardCost.blockMatrices(config, i);
        }
        assertEquals(expected, sum, tolerance, shape.id());
    }

    @Test
    void weightBytesCountTheUntiedHeadOnlyWhenLoaded() {
        ModelConfig eightB = BenchShape.QWEN3_8B.config(null);
        long vocab = 151936L * 4096;
        long blocks = ForwardCost.weightBytes(eightB, 31, false, ComputeDtype.BF16) - 2 * vocab;
        assertEquals(31L * ForwardCost.blockMatrices(eightB, 0) * 2, blocks);
        assertEquals(2 * vocab * 2, ForwardCost.weightBytes(eightB, 36, true, ComputeDtype.BF16)
                - ForwardCost.weightBytes(eightB, 36, false, ComputeDtype.BF16) + 2 * vocab);
        ModelConfig tied = BenchShape.QWEN3_0_6B.config(null);
        assertEquals(ForwardCost.weightBytes(tied, 28, false, ComputeDtype.F32),
                ForwardCost.weightBytes(tied, 28, true, ComputeDtype.F32));
    }

    /** A token of a 2-block model: 2 x the matrices, attention over its keys, the logits at the last position. */
    @Test
    void flopsCountProjectionsCausalAttentionAndOneLogitRowPerSequence() {
        ModelConfig config = BenchShape.QWEN3_0_6B.config(2);
        double matrices = 2.0 * ForwardCost.blockMatrices(config, 0);
        double perKey = 4.0 * 16 * 128;
        double logits = 2.0 * 1024 * 151936;
        // Three new tokens after five cached ones see 6 + 7 + 8 keys per block.
        assertEquals(2 * (2 * (3 * matrices + 21 * perKey) + logits),
                ForwardCost.flops(config, 2, 2, 5, 3, true), 1);
        assertEquals(matrices + perKey, ForwardCost.flops(config, 1, 1, 0, 1, false), 1);
    }

    @Test
    void hybridLinearLayersCountTheirProjectionsAndStateProducts() {
        ModelConfig config = BenchShape.QWEN3_5_2B.config(4);
        // Layers 0..2 are Gated DeltaNet, layer 3 gated full attention (interval 4).
        long mlp = 3L * 2048 * 6144;
        long linear = 2048L * (2 * 2048 + 2 * 2048 + 2 * 16) + 2048L * 2048 + mlp;
        long full = 2048L * (2 * 8 * 256 + 2 * 2 * 256) + 8L * 256 * 2048 + mlp;
        assertEquals(linear, ForwardCost.blockMatrices(config, 0));
        assertEquals(full, ForwardCost.blockMatrices(config, 3));
        double state = 6.0 * 16 * 128 * 128;
        assertEquals(3 * (2.0 * linear + state) + 2.0 * full + 4.0 * 8 * 256,
                ForwardCost.flops(config, 4, 1, 0, 1, false), 1);
    }

    @Test
    void everyShapeParsesAndBadNamesListTheKnownOnes() {
        for (BenchShape shape : BenchShape.values()) {
            assertEquals(3, shape.config(3).numLayers(), shape.id());
            assertEquals(shape, BenchShape.named(shape.id().toUpperCase()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchShape.named("qwen9"));
        assertTrue(e.getMessage().contains("qwen3-0.6b, qwen3-1.7b, qwen3-4b, qwen3-8b, qwen3.5-2b"), e.getMessage());
    }
}
