package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.toxiscope.features.io.Bf16Kernels;

/**
 * A bf16 layer on CPU is packed and multiplies as matmul on the transposed weight does, whatever the input's rank,
 * layout and rows; float32 layers are not packed and give matmul's values exactly.
 */
class LinearTest {

    private static NDArray widened(NDArray x) {
        return ComputeDtype.widen(x);
    }

    @Test
    void packedBf16LayerGivesTheMatmulOfTheTransposedWeight() {
        assumeTrue(Bf16Kernels.get().canPack(), "this libtorch has no oneDNN linear ops");
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            assertTrue(Linear.packs(ComputeDtype.BF16, manager));
            NDArray weight = ComputeDtype.BF16.narrow(manager.randomNormal(new Shape(48, 40)).div(8));
            Linear layer = Linear.of(weight, manager, ComputeDtype.BF16);
            NDArray[] inputs = {
                manager.randomNormal(new Shape(1, 40)),
                manager.randomNormal(new Shape(37, 40)),
                manager.randomNormal(new Shape(3, 5, 40)),
                // Non-contiguous: the transpose of [40, 6].
                manager.randomNormal(new Shape(40, 6)).transpose(),
                manager.zeros(new Shape(0, 40)),
            };
            for (NDArray input : inputs) {
                NDArray x = ComputeDtype.BF16.narrow(input);
                NDArray want = widened(x.matMul(weight.transpose()));
                NDArray got = widened(layer.apply(x));
                assertEquals(want.getShape(), got.getShape(), "shape for input " + input.getShape());
                if (want.size() == 0) {
                    continue;
                }
                // Both accumulate in float32 and round once to bf16: at most one bf16 step (2^-8 relative) apart.
                float scale = want.abs().max().getFloat();
                float err = want.sub(got).abs().max().getFloat();
                assertTrue(err <= scale / 128, "input " + input.getShape() + ": max abs error " + err + " at scale "
                        + scale);
            }
        }
    }

    @Test
    void float32LayerIsTheTransposedViewExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(6);
            assertTrue(!Linear.packs(ComputeDtype.F32, manager));
            NDArray weight = manager.randomNormal(new Shape(12, 10));
            NDArray x = manager.randomNormal(new Shape(4, 10));
            assertArrayEquals(x.matMul(weight.transpose()).toFloatArray(),
                    Linear.of(weight, manager, ComputeDtype.F32).apply(x).toFloatArray());
        }
    }
}
