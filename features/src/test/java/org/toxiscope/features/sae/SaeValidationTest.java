package org.toxiscope.features.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxiscope.common.HfCache;
import org.toxiscope.features.io.MalformedFileException;
import org.toxiscope.features.io.SafetensorsWriter;
import org.toxiscope.features.io.TorchSaveWriter;
import org.toxiscope.features.io.TorchSaveWriter.F32Tensor;
import org.toxiscope.features.model.ComputeDtype;

/** SAE files are checked before use: cfg.json types, tensor shapes against each other and the model, finite values. */
class SaeValidationTest {

    @TempDir
    Path tmp;

    private final SaeResolver resolver = new SaeResolver(new HfCache(Map.of()));

    /** A SAELens folder (d_in 2, d_sae 3) whose cfg.json says {@code k} as given (raw JSON). */
    private Path saeLens(String k) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("lens" + System.nanoTime()));
        new SafetensorsWriter()
                .addF32("W_enc", new long[] {2, 3}, 1, 0, 1, 0, 1, -1)
                .addF32("b_enc", new long[] {3}, 0, 0, 0)
                .addF32("W_dec", new long[] {3, 2}, 1, 0, 0, 1, 1, 1)
                .addF32("b_dec", new long[] {2}, 0.5f, 0)
                .write(dir.resolve(SaeResolver.SAELENS_WEIGHTS));
        Files.writeString(dir.resolve(SaeResolver.SAELENS_CONFIG), "{\"architecture\":\"topk\",\"k\":" + k
                + ",\"d_in\":2,\"d_sae\":3,\"hook_name\":\"blocks.1.hook_resid_post\"}");
        return dir;
    }

    @Test
    void aTopKThatIsNotASmallIntegerIsRefusedNamingTheCfgAndField() throws IOException {
        for (String k : new String[] {"4294967304", "1.5", "\"two\"", "0"}) {
            Path dir = saeLens(k);
            MalformedFileException e = assertThrows(MalformedFileException.class,
                    () -> resolver.resolve(dir.toString(), null, null, null));
            assertEquals(dir.resolve(SaeResolver.SAELENS_CONFIG) + ": field 'k' is " + k + ", expected "
                    + (k.startsWith("\"") ? "a number" : k.equals("1.5") ? "an integer" : "an integer in 1..1048576"),
                    e.getMessage());
        }
        assertEquals(2, resolver.resolve(saeLens("2").toString(), null, null, null).k());
    }

    /** A Qwen-Scope {@code layer1.sae.pt} of d_model 4, width 6, with the given tensors replacing the regular ones. */
    private SaeSpec qwenScope(Map<String, F32Tensor> replaced) throws IOException {
        Map<String, F32Tensor> tensors = new LinkedHashMap<>();
        tensors.put("W_enc", new F32Tensor(new long[] {6, 4}, new float[24]));
        tensors.put("W_dec", new F32Tensor(new long[] {4, 6}, new float[24]));
        tensors.put("b_enc", new F32Tensor(new long[] {6}, new float[6]));
        tensors.put("b_dec", new F32Tensor(new long[] {4}, new float[4]));
        tensors.putAll(replaced);
        Path file = Files.createDirectories(tmp.resolve("pt" + System.nanoTime())).resolve("layer1.sae.pt");
        TorchSaveWriter.write(file, tensors);
        return resolver.resolve(file.toString(), null, 2, null);
    }

    @Test
    void anSaeForAnotherHiddenSizeIsRefusedBeforeItsWeightsAreRead() throws IOException {
        SaeSpec spec = qwenScope(Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedFileException e = assertThrows(MalformedFileException.class,
                    () -> TopKSae.load(spec, 8, ComputeDtype.F32, m));
            assertEquals(spec.weights() + ": tensor 'W_enc' has shape [6, 4]: the SAE reads vectors of 4 values but"
                    + " the model's hidden_size is 8", e.getMessage());
            TopKSae.load(spec, 4, ComputeDtype.F32, m).close();
        }
    }

    @Test
    void tensorsWhoseShapesDisagreeWithWEncAreRefused() throws IOException {
        SaeSpec bias = qwenScope(Map.of("b_enc", new F32Tensor(new long[0], new float[1])));
        SaeSpec decoder = qwenScope(Map.of("W_dec", new F32Tensor(new long[] {6, 4}, new float[24])));
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(bias.weights() + ": tensor 'b_enc' has shape [], expected [6] (from W_enc)",
                    assertThrows(MalformedFileException.class,
                            () -> TopKSae.load(bias, 4, ComputeDtype.F32, m)).getMessage());
            try (TopKSae sae = TopKSae.load(decoder, 4, ComputeDtype.F32, m)) {
                assertEquals(decoder.weights() + ": tensor 'W_dec' has shape [6, 4], expected [4, 6] (from W_enc)",
                        assertThrows(MalformedFileException.class, sae::loadDecoder).getMessage());
            }
        }
    }

    @Test
    void nanOrInfiniteSaeWeightsAreRefusedNamingTheTensor() throws IOException {
        float[] enc = new float[24];
        enc[5] = Float.NaN;
        float[] dec = new float[24];
        dec[23] = Float.NEGATIVE_INFINITY;
        SaeSpec badEncoder = qwenScope(Map.of("W_enc", new F32Tensor(new long[] {6, 4}, enc)));
        SaeSpec badDecoder = qwenScope(Map.of("W_dec", new F32Tensor(new long[] {4, 6}, dec)));
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(badEncoder.weights() + ": tensor 'W_enc' holds NaN or infinite values",
                    assertThrows(MalformedFileException.class,
                            () -> TopKSae.load(badEncoder, 4, ComputeDtype.F32, m)).getMessage());
            try (TopKSae sae = TopKSae.load(badDecoder, 4, ComputeDtype.F32, m)) {
                assertEquals(badDecoder.weights() + ": tensor 'W_dec' holds NaN or infinite values",
                        assertThrows(MalformedFileException.class, sae::loadDecoder).getMessage());
            }
        }
    }
}
