package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading the hybrid settings: defaults of older configs, and clear errors naming the file and field. */
class HybridConfigTest {

    private static final String NEXT = """
            {"model_type": "qwen3_next", "hidden_size": 32, "num_hidden_layers": 8, "vocab_size": 300,
             "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16, "full_attention_interval": 4,
             "partial_rotary_factor": 0.25, "rope_theta": 10000000, "linear_num_key_heads": 2,
             "linear_num_value_heads": 4, "linear_key_head_dim": 8, "linear_value_head_dim": 8,
             "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 24, "norm_topk_prob": true,
             "decoder_sparse_step": 1, "mlp_only_layers": [], "shared_expert_intermediate_size": 40}""";

    @Test
    void qwen3NextConfigWithoutLayerTypesPlacesFullAttentionEveryInterval() throws Exception {
        ModelConfig config = ModelConfig.parse(JsonParser.parseString(NEXT).getAsJsonObject(), "tiny next");
        HybridConfig hybrid = HybridConfig.of(config);
        assertEquals(Set.of(3, 7), hybrid.fullAttentionLayers());
        assertEquals(4, hybrid.rotaryDim());
        assertEquals(40, hybrid.sharedExpertIntermediateSize());
        assertTrue(config.isHybrid() && config.isSparseLayer(0));
    }

    @Test
    void badHybridFieldsAreRefusedNamingTheFileAndField() {
        assertError("linear_num_key_heads", o -> o.remove("linear_num_key_heads"), "is missing");
        assertError("linear_num_value_heads", o -> o.addProperty("linear_num_value_heads", 3), "multiple");
        assertError("linear_key_head_dim", o -> o.addProperty("linear_key_head_dim", "big"), "expected a number");
        assertError("layer_types", o -> o.add("layer_types", JsonParser.parseString("[\"linear_attention\"]")),
                "entries for 8 layers");
        assertError("partial_rotary_factor", o -> o.addProperty("partial_rotary_factor", 0.01), "rotary width");
    }

    private static void assertError(String field, java.util.function.Consumer<JsonObject> edit, String problem) {
        JsonObject root = JsonParser.parseString(NEXT).getAsJsonObject();
        edit.accept(root);
        IOException e = assertThrows(IOException.class, () -> ModelConfig.parse(root, "some/config.json"));
        assertTrue(e.getMessage().startsWith("some/config.json: "), e.getMessage());
        assertTrue(e.getMessage().contains("'" + field + "'") && e.getMessage().contains(problem), e.getMessage());
    }
}
