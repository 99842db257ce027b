package org.toxiscope.features.lens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.Golden;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.Sublayers;

/**
 * The lens's chaining against oracles that do not chain sublayer products: the key side's cotangents summed over
 * positions are the autograd gradient of the matching scalar, and the value side's tangents summed over positions are
 * the finite-difference derivative of the matching output, both through the "norm-frozen" network (each norm replaced
 * by a shift, {@code a_l + (x - resid_l)}, whose Jacobian is the identity the convention uses), in float64, for two
 * features at different layers read together; with no downstream block the value side is the logit lens with the
 * final norm.
 */
class QueryLensTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny", "qwen3_5-tiny"})
    void keyCotangentsSumToTheGradientOfTheMatchingScalar(String fixture) throws Exception {
        try (Float64Model f64 = Float64Model.open(fixture); NDManager manager = NDManager.newBaseManager()) {
            Sublayers model = f64.model.sublayers();
            List<LensFeature> features = randomFeatures(model, new int[] {0, model.blocks() - 2}, 11);
            QueryLens.Propagated lens;
            try (QueryLens q = new QueryLens(model, features, manager)) {
                lens = q.propagate(manager, f64.texts);
            }
            Frozen frozen = new Frozen(model, manager, f64.texts);
            for (int i = 0; i < features.size(); i++) {
                NDArray expected = frozen.keyGradient(features.get(i));
                NDArray actual = lens.keys()[i].sum(new int[] {0, 1});
                assertClose(expected, actual, 1e-9, fixture + " key side, layer " + features.get(i).layer());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny", "qwen3_5-tiny"})
    void valueTangentsSumToTheDerivativeOfTheMatchingOutput(String fixture) throws Exception {
        try (Float64Model f64 = Float64Model.open(fixture); NDManager manager = NDManager.newBaseManager()) {
            Sublayers model = f64.model.sublayers();
            List<LensFeature> features = randomFeatures(model, new int[] {0, 1}, 12);
            QueryLens.Propagated lens;
            try (QueryLens q = new QueryLens(model, features, manager)) {
                lens = q.propagate(manager, f64.texts);
            }
            Frozen frozen = new Frozen(model, manager, f64.texts);
            for (int i = 0; i < features.size(); i++) {
                NDArray expected = frozen.valueDerivative(features.get(i));
                NDArray actual = lens.values()[i].sum(new int[] {0, 1});
                assertClose(expected, actual, 1e-7, fixture + " value side, layer " + features.get(i).layer());
            }
        }
    }

    @Test
    void withNoDownstreamBlockTheValueSideIsTheLogitLensWithTheFinalNorm() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            int last = model.config().numLayers() - 1;
            LensFeature feature = randomFeatures(model.sublayers(), new int[] {last}, 13).get(0);
            LensResult r;
            try (QueryLens lens = new QueryLens(model.sublayers(), List.of(feature), manager)) {
                lens.add(new int[][] {Golden.ints(golden.text(0).getAsJsonArray("ids")),
                    Golden.ints(golden.text(2).getAsJsonArray("ids"))});
                r = lens.result(0);
            }
            // The baseline by hand: RMSNorm with the checkpoint's final weight, then each (tied) embedding row.
            float[] weight = ckpt.load("model.norm.weight", manager).toFloatArray();
            float[] u = ckpt.load("model.embed_tokens.weight", manager).toFloatArray();
            float[] d = feature.decoder();
            double meanSquare = 0;
            for (float v : d) {
                meanSquare += (double) v * v / d.length;
            }
            double scale = 1 / Math.sqrt(meanSquare + ckpt.config().rmsNormEps());
            float[] expected = new float[u.length / d.length];
            for (int v = 0; v < expected.length; v++) {
                double s = 0;
                for (int j = 0; j < d.length; j++) {
                    s += u[v * d.length + j] * weight[j] * d[j] * scale;
                }
                expected[v] = (float) s;
            }
            assertEquals(24, r.positions());
            for (int v = 0; v < expected.length; v++) {
                assertEquals(expected[v], r.logitLens()[v], 1e-4, "baseline of token " + v);
                assertEquals(r.logitLens()[v], r.value()[v], 1e-4, "value side of token " + v);
            }
            // Every position carries the same vector: all of its energy lies along the mean, none around it.
            assertEquals(1.0, r.valueStats().evMu(), 1e-5);
            assertEquals(0.0, r.valueStats().relVar(), 1e-5);
            assertEquals(24, r.valueStats().nUsed());
        }
    }

    @Test
    void linearityStatisticsFollowTheReferenceFormulasAcrossBatches() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearityStats.Accumulator acc = new LinearityStats.Accumulator(manager);
            // Two batches [1, 2, 2]: (1, 0), (0, 1) | (0, 0) (a zero vector: counted, not used), (2, 0).
            acc.add(manager.create(new float[] {1, 0, 0, 1}, new ai.djl.ndarray.types.Shape(1, 2, 2)), 2);
            acc.add(manager.create(new float[] {0, 0, 2, 0}, new ai.djl.ndarray.types.Shape(1, 2, 2)), 2);
            LinearityStats s = acc.stats();
            // mu = (3/4, 1/4); |mu|^2 = 10/16; energies 1, 1, 4 over 3 used; parallel: (v . mu/|mu|)^2 = 9/10, 1/10, 36/10.
            assertEquals(4, s.n());
            assertEquals(3, s.nUsed());
            assertEquals(10.0 / 16, s.eMu(), 1e-7);
            assertEquals(6.0, s.sumEnergy(), 1e-7);
            assertEquals(4.6, s.sumParallel2(), 1e-6);
            assertEquals(4.6 / 6, s.evMu(), 1e-6);
            assertEquals(1 - 4.6 / 6, s.perpEv(), 1e-6);
            assertEquals(1 - (10.0 / 16) / 2, s.relVar(), 1e-6);
        }
    }

    @Test
    void textsAreBatchedWithinTheBudgetAndEmptyOnesSkipped() {
        int[][] texts = {new int[3], new int[0], new int[3], new int[5], new int[9]};
        List<int[][]> batches = QueryLens.batches(texts, 10);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {3, 3}, lengths(batches.get(0)));
        assertArrayEquals(new int[] {5}, lengths(batches.get(1)));
        assertArrayEquals(new int[] {9}, lengths(batches.get(2)));
    }

    @Test
    void aBf16ModelOrALayerPastTheLastBlockIsRefused() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             NDManager manager = NDManager.newBaseManager()) {
            try (LanguageModel bf16 = ckpt.load(Device.cpu(), ComputeDtype.BF16, -1)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QueryLens(
                        bf16.sublayers(), randomFeatures(bf16.sublayers(), new int[] {1}, 1), manager));
                assertTrue(e.getMessage().contains("runs in float32"), e.getMessage());
            }
            try (LanguageModel f32 = ckpt.load(Device.cpu(), ComputeDtype.F32, -1)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QueryLens(
                        f32.sublayers(), randomFeatures(f32.sublayers(), new int[] {3}, 1), manager));
                assertTrue(e.getMessage().contains("layer 3 is outside the model's blocks 0..2"), e.getMessage());
            }
        }
    }

    /**
     * The network whose exact derivatives the lens claims to compute: the model's blocks with each norm replaced by
     * a shift that keeps its value at the texts' own residuals, {@code norm(x0) + (x - x0)}.
     */
    private static final class Frozen {

        private final Sublayers model;
        private final Sublayers.Texts texts;
        private final NDArray real;
        private final NDArray[] resid;
        private final NDArray[] mid;
        private final NDArray[] a;
        private final NDArray[] m;

        Frozen(Sublayers model, NDManager manager, int[][] tokens) {
            this.model = model;
            this.texts = model.texts(manager, tokens);
            this.real = texts.realTokens().toType(DataType.FLOAT64, false).expandDims(-1);
            int n = model.blocks();
            resid = new NDArray[n + 1];
            mid = new NDArray[n];
            a = new NDArray[n];
            m = new NDArray[n];
            resid[0] = model.embed(manager, texts);
            for (int l = 0; l < n; l++) {
                a[l] = model.inputNorm(l, resid[l]);
                mid[l] = resid[l].add(model.mix(l, a[l], texts));
                m[l] = model.postAttentionNorm(l, mid[l]);
                resid[l + 1] = mid[l].add(model.mlp(l, m[l]));
            }
        }

        /** The residual after block {@code to - 1}, from {@code x} entering block {@code from}. */
        NDArray run(NDArray x, int from, int to) {
            for (int l = from; l < to; l++) {
                NDArray h = x.add(model.mix(l, a[l].add(x.sub(resid[l])), texts));
                x = h.add(model.mlp(l, m[l].add(h.sub(mid[l]))));
            }
            return x;
        }

        /** d/d delta of sum over real positions of {@code W_enc[f] . resid_{L+1}} with delta added at every real position of the embeddings. */
        NDArray keyGradient(LensFeature f) {
            NDManager manager = real.getManager();
            NDArray delta = manager.zeros(new ai.djl.ndarray.types.Shape(f.encoder().length), DataType.FLOAT64);
            delta.setRequiresGradient(true);
            NDArray encoder = manager.create(f.encoder()).toType(DataType.FLOAT64, false);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = run(resid[0].add(real.mul(delta)), 0, f.layer() + 1);
                collector.backward(out.mul(real).mul(encoder).sum());
            }
            return delta.getGradient();
        }

        /** d/d eps of the sum over real positions of the last residual, with {@code eps W_dec[:, f]} added after block L. */
        NDArray valueDerivative(LensFeature f) {
            NDArray decoder = real.getManager().create(f.decoder()).toType(DataType.FLOAT64, false);
            double eps = 1e-6;
            NDArray step = real.mul(decoder).mul(eps);
            NDArray x = resid[f.layer() + 1];
            int n = model.blocks();
            NDArray plus = run(x.add(step), f.layer() + 1, n).mul(real).sum(new int[] {0, 1});
            NDArray minus = run(x.sub(step), f.layer() + 1, n).mul(real).sum(new int[] {0, 1});
            return plus.sub(minus).div(2 * eps);
        }
    }

    private static List<LensFeature> randomFeatures(Sublayers model, int[] layers, long seed) {
        int hidden = (int) model.embeddings().getShape().get(1);
        Random random = new Random(seed);
        LensFeature[] out = new LensFeature[layers.length];
        for (int i = 0; i < layers.length; i++) {
            float[] d = new float[hidden];
            float[] e = new float[hidden];
            for (int j = 0; j < hidden; j++) {
                d[j] = (float) random.nextGaussian();
                e[j] = (float) (random.nextGaussian() / Math.sqrt(hidden));
            }
            out[i] = new LensFeature(layers[i], d, e);
        }
        return List.of(out);
    }

    private static void assertClose(NDArray expected, NDArray actual, double tolerance, String what) {
        double scale = expected.abs().max().getDouble();
        double error = expected.sub(actual).abs().max().getDouble();
        assertTrue(scale > 0, what + ": the oracle is all zero");
        assertTrue(error <= tolerance * scale, what + ": max error " + error + " against max " + scale);
    }

    private static int[] lengths(int[][] batch) {
        int[] out = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            out[i] = batch[i].length;
        }
        return out;
    }
}
