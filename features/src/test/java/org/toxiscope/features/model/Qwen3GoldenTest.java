package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxiscope.features.Golden;

/** Reproduces the golden outputs of the independent PyTorch port (max abs error 1e-4, identical tokens). */
class Qwen3GoldenTest {

    private static final float TOLERANCE = 1e-4f;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void tokenizerMatchesGoldenIds(String name) throws Exception {
        GoldenChecks.tokenizerMatches(Golden.load(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void residualsAndLogitsMatchOneTextAtATime(String name) throws Exception {
        Golden golden = Golden.load(name);
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            for (var t : golden.texts()) {
                JsonObject text = t.getAsJsonObject();
                int[] ids = Golden.ints(text.getAsJsonArray("ids"));
                try (DecodeState state = model.newState(manager, 1)) {
                    ForwardResult r = model.forward(manager, new int[][] {ids}, state,
                            new ForwardOptions(Set.of(1), Steering.NONE, true));
                    checkResidual(text, r.residuals().get(1).get(0), 0);
                    checkLogits(text, r.lastLogits().get(0).toFloatArray());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void leftPaddedBatchMatchesGolden(String name) throws Exception {
        GoldenChecks.leftPaddedBatch(Golden.load(name), 1, (text, residual, padding, logits) -> {
            checkResidual(text, residual, padding);
            checkLogits(text, logits);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void earlyExitLoadsOnlyTheNeededBlocksAndGivesTheSameResidual(String name) throws Exception {
        Golden golden = Golden.load(name);
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, 1);
             NDManager manager = NDManager.newBaseManager()) {
            assertEquals(2, model.loadedBlocks());
            assertTrue(!model.hasHead());
            JsonObject text = golden.text(0);
            try (DecodeState state = model.newState(manager, 1)) {
                ForwardResult r = model.forward(manager, new int[][] {Golden.ints(text.getAsJsonArray("ids"))}, state,
                        ForwardOptions.residuals(Set.of(1)));
                checkResidual(text, r.residuals().get(1).get(0), 0);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "qwen3moe-tiny"})
    void greedyAndSteeredGreedyMatchGoldenTokens(String name) throws Exception {
        Golden golden = Golden.load(name);
        JsonObject steer = golden.root.getAsJsonObject("steering");
        // The golden "vector" is already alpha * W_dec[:, f] (its norm is alpha; the column has norm 1).
        float[] add = Golden.floats(steer.getAsJsonArray("vector"));
        Steering steering = new Steering(Map.of(steer.get("layer").getAsInt(), add), 0);
        try (ModelCheckpoint ckpt = ModelCheckpoint.open(golden.modelDir.toString());
             LanguageModel model = ckpt.load(Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            Generator generator = new Generator(model);
            List<int[]> prompts = new ArrayList<>();
            List<JsonObject> withGreedy = new ArrayList<>();
            for (var t : golden.texts()) {
                if (t.getAsJsonObject().has("greedy")) {
                    withGreedy.add(t.getAsJsonObject());
                    prompts.add(Golden.ints(t.getAsJsonObject().getAsJsonArray("ids")));
                }
            }
            assertTrue(prompts.size() >= 3);
            int[][] batch = prompts.toArray(int[][]::new);
            int[][] plain = generator.generate(manager, batch, 12, Sampling.GREEDY, Steering.NONE, false);
            int[][] steered = generator.generate(manager, batch, 12, Sampling.GREEDY, steering, false);
            for (int i = 0; i < batch.length; i++) {
                JsonObject text = withGreedy.get(i);
                assertArrayEquals(Golden.ints(text.getAsJsonObject("greedy").getAsJsonArray("new_tokens")), plain[i],
                        "greedy " + text.get("lang"));
                assertArrayEquals(Golden.ints(text.getAsJsonObject("greedy_steered").getAsJsonArray("new_tokens")),
                        steered[i], "steered " + text.get("lang"));
                // One at a time (no padding) must give the same tokens as the batch.
                assertArrayEquals(plain[i], generator.generate(manager, new int[][] {batch[i]}, 12, Sampling.GREEDY,
                        Steering.NONE, false)[0]);
            }
        }
    }

    private static void checkResidual(JsonObject text, NDArray residual, int padding) {
        GoldenChecks.residual(text.getAsJsonArray("resid_block1_first8"), text.getAsJsonArray("resid_block1_last"),
                residual, padding, TOLERANCE, "");
    }

    private static void checkLogits(JsonObject text, float[] logits) {
        GoldenChecks.logits(text.getAsJsonObject("final_logits"), logits, TOLERANCE, "");
    }
}
