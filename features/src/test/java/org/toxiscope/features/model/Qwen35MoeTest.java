package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A tiny random Qwen3.5-MoE (routed experts with a gated shared expert on every layer) built in memory: shapes,
 * batch equal to one at a time, the fused expert layout of the released checkpoints equal to per-expert tensors (in
 * float32 and in bf16, which stays near float32), and Qwen3-Next's grouped input projections equal to the split ones.
 */
class Qwen35MoeTest {

    private static final String CONFIG = """
            {"model_type": "qwen3_5_moe", "tie_word_embeddings": false, "text_config": {
              "model_type": "qwen3_5_moe_text", "hidden_size": 32, "num_hidden_layers": 4, "vocab_size": 300,
              "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16, "rms_norm_eps": 1e-6,
              "layer_types": ["linear_attention", "linear_attention", "linear_attention", "full_attention"],
              "linear_num_key_heads": 2, "linear_num_value_heads": 4, "linear_key_head_dim": 8,
              "linear_value_head_dim": 8, "linear_conv_kernel_dim": 4, "attn_output_gate": true,
              "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 24,
              "shared_expert_intermediate_size": 40, "eos_token_id": 0,
              "rope_parameters": {"rope_type": "default", "rope_theta": 10000000, "partial_rotary_factor": 0.25,
                                  "mrope_section": [1, 1, 0], "mrope_interleaved": true}}}""";

    private static final int[][] PROMPTS = {{5, 17, 200, 3, 9, 11, 70}, {250, 1, 2}};

    @Test
    void tinyMoeRunsBatchedLikeOneAtATimeAndFusedExpertsEqualPerExpert() throws Exception {
        ModelConfig config = ModelConfig.parse(JsonParser.parseString(CONFIG).getAsJsonObject(), "tiny moe");
        assertTrue(config.isHybrid());
        assertTrue(config.moe().normTopkProb());
        assertTrue(config.isSparseLayer(0) && config.isSparseLayer(3));
        try (NDManager store = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            Fixed perExpert = new Fixed(new RandomWeights(config), store);
            float[][] batched;
            try (LanguageModel model = Qwen35Model.load(config, perExpert, Device.cpu(), ComputeDtype.F32, -1);
                 DecodeState state = model.newState(manager, 2)) {
                ForwardResult r = model.forward(manager, PROMPTS, state, new ForwardOptions(Set.of(1), Steering.NONE,
                        true));
                assertEquals(new Shape(2, 7, 32), r.residuals().get(1).getShape());
                assertEquals(new Shape(2, 300), r.lastLogits().getShape());
                batched = new float[][] {r.lastLogits().get(0).toFloatArray(), r.lastLogits().get(1).toFloatArray()};
                for (int i = 0; i < 2; i++) {
                    try (DecodeState alone = model.newState(manager, 1)) {
                        assertArrayEquals(batched[i], model.forward(manager, new int[][] {PROMPTS[i]}, alone,
                                ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().toFloatArray(), 1e-4f);
                    }
                }
            }
            try (LanguageModel model = Qwen35Model.load(config, new Fused(perExpert, config), Device.cpu(), ComputeDtype.F32, -1);
                 DecodeState state = model.newState(manager, 2)) {
                NDArray logits = model.forward(manager, PROMPTS, state, ForwardOptions.logitsOnly(Steering.NONE))
                        .lastLogits();
                assertArrayEquals(batched[0], logits.get(0).toFloatArray(), 1e-5f);
                assertArrayEquals(batched[1], logits.get(1).toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void tinyMoeRunsInBf16NearFloat32WithFusedExpertsEqualToPerExpert() throws Exception {
        ModelConfig config = ModelConfig.parse(JsonParser.parseString(CONFIG).getAsJsonObject(), "tiny moe");
        try (NDManager store = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            Fixed perExpert = new Fixed(new RandomWeights(config), store);
            NDArray f32;
            try (LanguageModel model = Qwen35Model.load(config, perExpert, Device.cpu(), ComputeDtype.F32, -1);
                 DecodeState state = model.newState(manager, 2)) {
                f32 = model.forward(manager, PROMPTS, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits();
            }
            NDArray bf16;
            NDArray[] alone = new NDArray[2];
            try (LanguageModel model = Qwen35Model.load(config, perExpert, Device.cpu(), ComputeDtype.BF16, -1);
                 DecodeState state = model.newState(manager, 2)) {
                assertEquals(ComputeDtype.BF16, model.dtype());
                bf16 = model.forward(manager, PROMPTS, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits();
                for (int i = 0; i < 2; i++) {
                    try (DecodeState one = model.newState(manager, 1)) {
                        alone[i] = model.forward(manager, new int[][] {PROMPTS[i]}, one,
                                ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().get(0);
                    }
                }
            }
            NDArray fused;
            try (LanguageModel model = Qwen35Model.load(config, new Fused(perExpert, config), Device.cpu(),
                    ComputeDtype.BF16, -1);
                 DecodeState state = model.newState(manager, 2)) {
                fused = model.forward(manager, PROMPTS, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits();
            }
            // Measured here: 0.0055 from float32 (bounded at twice that, and above 1e-4 so the run is not float32 in
            // disguise); batch rows, single runs and the fused layout agreed exactly, bounded far below one bf16 step.
            double fromF32 = relative(bf16, f32);
            assertTrue(fromF32 > 1e-4 && fromF32 < 0.011, "bf16 logits relative to float32: " + fromF32);
            for (int i = 0; i < 2; i++) {
                assertTrue(relative(alone[i], bf16.get(i)) < 1e-3, "prompt " + i + " alone vs in the batch");
            }
            assertTrue(relative(fused, bf16) < 1e-3, "fused experts vs per-expert tensors");
        }
    }

    private static double relative(NDArray actual, NDArray expected) {
        return actual.sub(expected).norm().getFloat() / expected.norm().getFloat();
    }

    @Test
    void qwen3NextGroupedInputProjectionsEqualTheSplitLayout() throws Exception {
        ModelConfig config = ModelConfig.parse(JsonParser.parseString(CONFIG).getAsJsonObject(), "tiny moe");
        try (NDManager store = NDManager.newBaseManager(); NDManager manager = NDManager.newBaseManager()) {
            Fixed split = new Fixed(new RandomWeights(config), store);
            float[] expected;
            try (LanguageModel model = Qwen35Model.load(config, split, Device.cpu(), ComputeDtype.F32, -1);
                 DecodeState state = model.newState(manager, 2)) {
                expected = model.forward(manager, PROMPTS, state, ForwardOptions.logitsOnly(Steering.NONE))
                        .lastLogits().toFloatArray();
            }
            try (LanguageModel model = Qwen35Model.load(config, new Grouped(split, HybridConfig.of(config)),
                    Device.cpu(), ComputeDtype.F32, -1);
                 DecodeState state = model.newState(manager, 2)) {
                assertArrayEquals(expected, model.forward(manager, PROMPTS, state,
                        ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().toFloatArray(), 1e-5f);
            }
        }
    }

    /** Presents the split linear-attention projections as Qwen3-Next's per-key-head in_proj_qkvz and in_proj_ba. */
    private static final class Grouped implements Weights {
        private static final Pattern FUSED = Pattern.compile("(.+\\.linear_attn)\\.in_proj_(qkvz|ba)\\.weight");
        private final Weights split;
        private final HybridConfig h;

        Grouped(Weights split, HybridConfig h) {
            this.split = split;
            this.h = h;
        }

        @Override
        public boolean has(String name) {
            return FUSED.matcher(name).matches()
                    || (!name.matches(".+in_proj_(qkv|z|a|b)\\.weight") && split.has(name));
        }

        @Override
        public long[] tensorShape(String name) {
            try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
                return load(name, scratch).getShape().getShape();
            }
        }

        @Override
        public NDArray load(String name, NDManager manager) {
            Matcher m = FUSED.matcher(name);
            if (!m.matches()) {
                return split.load(name, manager);
            }
            String p = m.group(1) + ".";
            int keys = h.linearKeyHeads();
            int dk = h.linearKeyDim();
            int r = h.linearValueHeads() / keys;
            int dv = r * h.linearValueDim();
            NDList groups = new NDList();
            if (m.group(2).equals("qkvz")) {
                NDArray qkv = split.load(p + "in_proj_qkv.weight", manager);
                NDArray z = split.load(p + "in_proj_z.weight", manager);
                for (int g = 0; g < keys; g++) {
                    groups.add(qkv.get(g * dk + ":" + (g + 1) * dk));
                    groups.add(qkv.get((keys + g) * dk + ":" + (keys + g + 1) * dk));
                    groups.add(qkv.get(2 * keys * dk + g * dv + ":" + (2 * keys * dk + (g + 1) * dv)));
                    groups.add(z.get(g * dv + ":" + (g + 1) * dv));
                }
            } else {
                NDArray b = split.load(p + "in_proj_b.weight", manager);
                NDArray a = split.load(p + "in_proj_a.weight", manager);
                for (int g = 0; g < keys; g++) {
                    groups.add(b.get(g * r + ":" + (g + 1) * r));
                    groups.add(a.get(g * r + ":" + (g + 1) * r));
                }
            }
            return NDArrays.concat(groups, 0);
        }
    }

    /** The same random tensors on every load. */
    private static final class Fixed implements Weights {
        private final Weights random;
        private final NDManager store;
        private final Map<String, NDArray> drawn = new HashMap<>();

        Fixed(Weights random, NDManager store) {
            this.random = random;
            this.store = store;
        }

        @Override
        public boolean has(String name) {
            return random.has(name);
        }

        @Override
        public long[] tensorShape(String name) {
            try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
                return load(name, scratch).getShape().getShape();
            }
        }

        @Override
        public NDArray load(String name, NDManager manager) {
            NDArray a = drawn.computeIfAbsent(name, n -> random.load(n, store));
            return manager.create(a.toFloatArray(), a.getShape());
        }
    }

    /** Presents per-expert tensors in the fused layout: gate_up_proj [E, 2I, H], down_proj [E, H, I]. */
    private static final class Fused implements Weights {
        private static final Pattern FUSED = Pattern.compile("(.+\\.mlp\\.experts)\\.(gate_up_proj|down_proj)");
        private final Weights perExpert;
        private final int experts;

        Fused(Weights perExpert, ModelConfig config) {
            this.perExpert = perExpert;
            this.experts = config.moe().numExperts();
        }

        @Override
        public boolean has(String name) {
            return FUSED.matcher(name).matches() || (!name.contains(".experts.") && perExpert.has(name));
        }

        @Override
        public long[] tensorShape(String name) {
            try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
                return load(name, scratch).getShape().getShape();
            }
        }

        @Override
        public NDArray load(String name, NDManager manager) {
            Matcher m = FUSED.matcher(name);
            if (!m.matches()) {
                return perExpert.load(name, manager);
            }
            NDList stacked = new NDList();
            for (int e = 0; e < experts; e++) {
                String p = m.group(1) + "." + e + ".";
                stacked.add(m.group(2).equals("down_proj") ? perExpert.load(p + "down_proj.weight", manager)
                        : perExpert.load(p + "gate_proj.weight", manager)
                                .concat(perExpert.load(p + "up_proj.weight", manager), 0));
            }
            return NDArrays.stack(stacked);
        }
    }
}
