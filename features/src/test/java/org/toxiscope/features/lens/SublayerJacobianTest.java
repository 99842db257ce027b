package org.toxiscope.features.lens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.model.Sublayers;

/**
 * The lens's Jacobian products of every sublayer kind (attention, Qwen3.5's gated attention and Gated DeltaNet over a
 * text crossing a 64-token delta-rule chunk, SwiGLU, sparse MoE) against central finite differences in float64, at the
 * real sublayer inputs of two golden texts batched with padding: {@code J t} elementwise at every real position, and
 * {@code J^T c} both as {@code <J^T c, t> = <c, J t>} and entry by entry at sampled coordinates.
 */
class SublayerJacobianTest {

    private static final double EPS = 2e-6;
    private static final double TOLERANCE = 1e-7;
    private static final int COORDINATES = 6;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny", "qwen3_5-tiny"})
    void jacobianProductsMatchCentralDifferences(String fixture) throws Exception {
        try (Float64Model f64 = Float64Model.open(fixture); NDManager manager = NDManager.newBaseManager()) {
            Sublayers model = f64.model.sublayers();
            Sublayers.Texts texts = model.texts(manager, f64.texts);
            NDArray real = texts.realTokens().toType(DataType.FLOAT64, false).expandDims(-1);
            Random random = new Random(7);
            NDArray x = model.embed(manager, texts);
            for (int b = 0; b < model.blocks(); b++) {
                int block = b;
                NDArray a = model.inputNorm(b, x);
                check(fixture + " block " + b + " mixer", in -> model.mix(block, in, texts), a, real, texts, random);
                NDArray h = x.add(model.mix(b, a, texts));
                NDArray m = model.postAttentionNorm(b, h);
                check(fixture + " block " + b + " mlp", in -> model.mlp(block, in), m, real, texts, random);
                x = h.add(model.mlp(b, m));
            }
        }
    }

    private static void check(String what, UnaryOperator<NDArray> f, NDArray x0, NDArray real, Sublayers.Texts texts,
                              Random random) {
        NDManager manager = x0.getManager();
        NDArray t = gaussian(manager, x0.getShape(), random).mul(real);
        NDArray c = gaussian(manager, x0.getShape(), random).mul(real);
        try (Linearization lin = Linearization.of(f, x0)) {
            assertEquals(0, maxAbs(lin.value(manager).sub(f.apply(x0))), 0, what + ": value");
            NDArray jt = lin.jvp(t).mul(real);
            NDArray differences = centralDifference(f, x0, t).mul(real);
            assertClose(differences, jt, what + ": J t");

            NDArray jtc = lin.vjp(c);
            double viaVjp = jtc.mul(t).sum().getDouble();
            double viaDifferences = c.mul(differences).sum().getDouble();
            assertEquals(viaDifferences, viaVjp, TOLERANCE * Math.abs(viaDifferences), what + ": <J^T c, t>");

            long[] shape = x0.getShape().getShape();
            int[] padding = texts.padding();
            for (int i = 0; i < COORDINATES; i++) {
                int row = random.nextInt((int) shape[0]);
                int position = padding[row] + random.nextInt((int) shape[1] - padding[row]);
                int h = random.nextInt((int) shape[2]);
                float[] unit = new float[(int) (shape[0] * shape[1] * shape[2])];
                unit[(int) ((row * shape[1] + position) * shape[2] + h)] = 1f;
                NDArray e = manager.create(unit, x0.getShape()).toType(DataType.FLOAT64, false);
                double expected = c.mul(centralDifference(f, x0, e)).sum().getDouble();
                double actual = jtc.getDouble(row, position, h);
                double scale = Math.max(1e-3, maxAbs(jtc));
                assertEquals(expected, actual, TOLERANCE * scale,
                        what + ": (J^T c) at row " + row + " position " + position + " dim " + h);
            }
        }
    }

    private static NDArray centralDifference(UnaryOperator<NDArray> f, NDArray x0, NDArray direction) {
        NDArray step = direction.mul(EPS);
        return f.apply(x0.add(step)).sub(f.apply(x0.sub(step))).div(2 * EPS);
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        double scale = maxAbs(expected);
        double error = maxAbs(expected.sub(actual));
        assertTrue(scale > 0, what + ": the finite differences are all zero");
        assertTrue(error <= TOLERANCE * scale, what + ": max error " + error + " against max " + scale);
    }

    private static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    private static NDArray gaussian(NDManager manager, Shape shape, Random random) {
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return manager.create(v, shape);
    }
}
