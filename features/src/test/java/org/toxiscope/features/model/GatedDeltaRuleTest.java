package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The chunked (parallel) form of the gated delta rule equals the token-by-token recurrence. */
class GatedDeltaRuleTest {

    private static final int B = 2;
    private static final int H = 3;
    private static final int DK = 8;
    private static final int DV = 6;

    @Test
    void chunkedEqualsRecurrentAcrossChunksFromANonZeroState() {
        // 150 positions: two whole chunks and a padded third.
        try (NDManager m = NDManager.newBaseManager()) {
            Inputs in = Inputs.random(m, 150);
            GatedDeltaRule.Result recurrent = GatedDeltaRule.recurrent(in.q, in.k, in.v, in.g, in.beta, in.state);
            GatedDeltaRule.Result chunked = GatedDeltaRule.chunked(in.q, in.k, in.v, in.g, in.beta, in.state);
            assertEquals(new Shape(B, H, 150, DV), chunked.output().getShape());
            assertArrayEquals(recurrent.output().toFloatArray(), chunked.output().toFloatArray(), 1e-4f);
            assertArrayEquals(recurrent.state().toFloatArray(), chunked.state().toFloatArray(), 1e-4f);
        }
    }

    @Test
    void positionsWithZeroRateAndDecayLeaveTheStateUnchanged() {
        try (NDManager m = NDManager.newBaseManager()) {
            Inputs in = Inputs.random(m, 5);
            NDArray zeros = m.zeros(new Shape(B, H, 5));
            GatedDeltaRule.Result r = GatedDeltaRule.chunked(in.q, in.k, in.v, zeros, zeros, in.state);
            assertArrayEquals(in.state.toFloatArray(), r.state().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void splittingASequenceAtAnyPointGivesTheSameOutputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            Inputs in = Inputs.random(m, 100);
            GatedDeltaRule.Result whole = GatedDeltaRule.chunked(in.q, in.k, in.v, in.g, in.beta, in.state);
            GatedDeltaRule.Result first = GatedDeltaRule.chunked(part(in.q, 0, 70), part(in.k, 0, 70),
                    part(in.v, 0, 70), part(in.g, 0, 70), part(in.beta, 0, 70), in.state);
            GatedDeltaRule.Result second = GatedDeltaRule.chunked(part(in.q, 70, 100), part(in.k, 70, 100),
                    part(in.v, 70, 100), part(in.g, 70, 100), part(in.beta, 70, 100), first.state());
            assertArrayEquals(part(whole.output(), 70, 100).toFloatArray(), second.output().toFloatArray(), 1e-4f);
            assertArrayEquals(whole.state().toFloatArray(), second.state().toFloatArray(), 1e-4f);
        }
    }

    private static NDArray part(NDArray x, int from, int to) {
        return x.get(new NDIndex(":, :, {}:{}", from, to));
    }

    /** Inputs as Gated DeltaNet makes them: unit-norm keys, scaled unit-norm queries, g <= 0, beta in (0, 1). */
    private record Inputs(NDArray q, NDArray k, NDArray v, NDArray g, NDArray beta, NDArray state) {

        static Inputs random(NDManager m, int t) {
            NDArray q = unit(m.randomNormal(new Shape(B, H, t, DK))).mul(1.0 / Math.sqrt(DK));
            NDArray k = unit(m.randomNormal(new Shape(B, H, t, DK)));
            NDArray v = m.randomNormal(new Shape(B, H, t, DV));
            NDArray g = m.randomUniform(-2f, 0f, new Shape(B, H, t), DataType.FLOAT32);
            NDArray beta = m.randomUniform(0f, 1f, new Shape(B, H, t), DataType.FLOAT32);
            return new Inputs(q, k, v, g, beta, m.randomNormal(new Shape(B, H, DK, DV)));
        }

        private static NDArray unit(NDArray x) {
            return x.div(x.square().sum(new int[] {-1}, true).sqrt());
        }
    }
}
