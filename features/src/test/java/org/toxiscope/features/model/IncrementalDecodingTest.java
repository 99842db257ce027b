package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.toxiscope.features.Golden;

/** The KV cache changes nothing: each decode step's logits equal a full recomputation of the whole prefix. */
class IncrementalDecodingTest {

    @Test
    void cachedStepsEqualFullRecomputation() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        int[] prompt = Golden.ints(golden.text(1).getAsJsonArray("ids"));
        GoldenChecks.cachedStepsMatchRecomputation(golden, prompt, 6, 1e-4f, (step, next) -> new int[] {next});
    }

    @Test
    void sameSeedSameSampleAndOtherSeedDiffers() throws Exception {
        Golden golden = Golden.load("qwen3-tiny");
        int[][] prompts = {Golden.ints(golden.text(0).getAsJsonArray("ids")),
            Golden.ints(golden.text(2).getAsJsonArray("ids"))};
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            Generator generator = new Generator(model);
            int[][] a = generator.generate(manager, prompts, 10, new Sampling(false, 1.5, 0, 0.95, 42), Steering.NONE, false);
            int[][] b = generator.generate(manager, prompts, 10, new Sampling(false, 1.5, 0, 0.95, 42), Steering.NONE, false);
            int[][] c = generator.generate(manager, prompts, 10, new Sampling(false, 1.5, 0, 0.95, 7), Steering.NONE, false);
            assertEquals(Arrays.deepToString(a), Arrays.deepToString(b));
            assertNotEquals(Arrays.deepToString(a), Arrays.deepToString(c));
        }
    }
}
