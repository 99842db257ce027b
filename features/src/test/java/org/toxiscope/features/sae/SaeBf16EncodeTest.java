package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.io.SafetensorsWriter;
import org.toxiscope.features.io.TorchSaveWriter;
import org.toxiscope.features.io.TorchSaveWriter.F32Tensor;
import org.toxiscope.features.model.ComputeDtype;

/**
 * A top-k SAE loaded for a bf16 model (bf16 candidates, float32 re-score) codes a bf16 residual as the float32
 * encode does, in both file layouts, where a plain bf16 encode of the same residual does not.
 */
class SaeBf16EncodeTest {

    private static final int D_MODEL = 256;
    private static final int D_SAE = 4096;
    private static final int K = 32;
    private static final int ROWS = 512;

    @TempDir
    Path tmp;

    private final SaeResolver resolver = new SaeResolver(new HfCache(Map.of()));
    private final Random random = new Random(11);

    @Test
    void theTwoStepEncodeKeepsTheFloat32CodesInBothLayouts() throws IOException {
        float[] encoder = gaussian(D_SAE * D_MODEL, 1 / Math.sqrt(D_MODEL)); // [d_sae, d_model]
        float[] bias = gaussian(D_SAE, 0.05);
        // A bf16 model's residual: every value a bf16 number, as the widened residual of a bf16 forward is.
        float[] x = gaussian(ROWS * D_MODEL, 1);
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat((SafetensorsWriter.toBf16(x[i]) & 0xffff) << 16);
        }
        for (SaeSpec spec : new SaeSpec[] {qwenScope(encoder, bias), saeLens(encoder, bias)}) {
            try (NDManager m = NDManager.newBaseManager();
                 TopKSae f32 = TopKSae.load(spec, D_MODEL, ComputeDtype.F32, m);
                 TopKSae bf16 = TopKSae.load(spec, D_MODEL, ComputeDtype.BF16, m)) {
                NDArray in = m.create(x, new Shape(ROWS, D_MODEL));
                SaeCodes want = f32.encode(in);
                SaeCodes got = bf16.encode(in);
                long[] wantIdx = want.indices().toLongArray();
                long[] gotIdx = got.indices().toLongArray();
                float[] wantVal = want.values().toFloatArray();
                float[] gotVal = got.values().toFloatArray();
                int same = 0;
                double worst = 0;
                for (int r = 0; r < ROWS; r++) {
                    if (sameSet(wantIdx, gotIdx, r)) {
                        same++;
                    }
                    for (int j = 0; j < K; j++) {
                        // Values by rank: equal wherever the sets are (a near-tie may swap two ranks' indices).
                        worst = Math.max(worst, Math.abs(wantVal[r * K + j] - gotVal[r * K + j])
                                / Math.abs(wantVal[r * K + j]));
                    }
                }
                // The plain bf16 encode: input and encoder narrowed, pre-activations in bf16, top k of those.
                NDArray plain = ComputeDtype.BF16.narrow(in).matMul(ComputeDtype.BF16.narrow(
                        m.create(encoder, new Shape(D_SAE, D_MODEL)).transpose()))
                        .add(ComputeDtype.BF16.narrow(m.create(bias))).topK(K, -1, true, true).get(1);
                long[] plainIdx = plain.toLongArray();
                int plainSame = 0;
                for (int r = 0; r < ROWS; r++) {
                    plainSame += sameSet(wantIdx, plainIdx, r) ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "%s: two-step bf16 encode keeps the float32 top-%d set on %d/%d "
                        + "rows (largest value error %.2g); a plain bf16 encode on %d/%d%n", spec.format(), K, same,
                        ROWS, worst, plainSame, ROWS);
                assertEquals(ROWS, same, spec.format() + ": rows whose set moved");
                assertTrue(worst < 1e-5, spec.format() + ": value error " + worst);
                assertTrue(plainSame < ROWS * 0.9, spec.format() + ": the plain bf16 encode kept " + plainSame);
            }
        }
    }

    private static boolean sameSet(long[] a, long[] b, int row) {
        long[] x = Arrays.copyOfRange(a, row * K, row * K + K);
        long[] y = Arrays.copyOfRange(b, row * K, row * K + K);
        Arrays.sort(x);
        Arrays.sort(y);
        return Arrays.equals(x, y);
    }

    private float[] gaussian(int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * std);
        }
        return out;
    }

    /** A Qwen-Scope {@code layer3.sae.pt}: W_enc [d_sae, d_model]. */
    private SaeSpec qwenScope(float[] encoder, float[] bias) throws IOException {
        Map<String, F32Tensor> tensors = new LinkedHashMap<>();
        tensors.put("W_enc", new F32Tensor(new long[] {D_SAE, D_MODEL}, encoder));
        tensors.put("W_dec", new F32Tensor(new long[] {D_MODEL, D_SAE}, new float[D_SAE * D_MODEL]));
        tensors.put("b_enc", new F32Tensor(new long[] {D_SAE}, bias));
        tensors.put("b_dec", new F32Tensor(new long[] {D_MODEL}, new float[D_MODEL]));
        Path file = Files.createDirectories(tmp.resolve("pt")).resolve("layer3.sae.pt");
        TorchSaveWriter.write(file, tensors);
        return resolver.resolve(file.toString(), null, K, null);
    }

    /** A SAELens folder: W_enc [d_model, d_sae], the same weights transposed. */
    private SaeSpec saeLens(float[] encoder, float[] bias) throws IOException {
        float[] transposed = new float[encoder.length];
        for (int f = 0; f < D_SAE; f++) {
            for (int d = 0; d < D_MODEL; d++) {
                transposed[d * D_SAE + f] = encoder[f * D_MODEL + d];
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("lens"));
        new SafetensorsWriter()
                .addF32("W_enc", new long[] {D_MODEL, D_SAE}, transposed)
                .addF32("b_enc", new long[] {D_SAE}, bias)
                .addF32("W_dec", new long[] {D_SAE, D_MODEL}, new float[D_SAE * D_MODEL])
                .addF32("b_dec", new long[] {D_MODEL}, new float[D_MODEL])
                .write(dir.resolve(SaeResolver.SAELENS_WEIGHTS));
        Files.writeString(dir.resolve(SaeResolver.SAELENS_CONFIG), "{\"architecture\":\"topk\",\"k\":" + K
                + ",\"d_in\":" + D_MODEL + ",\"d_sae\":" + D_SAE + ",\"hook_name\":\"blocks.3.hook_resid_post\"}");
        return resolver.resolve(dir.toString(), null, null, null);
    }
}
