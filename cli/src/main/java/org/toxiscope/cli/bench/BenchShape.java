package org.toxiscope.cli.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.toxiscope.features.model.ModelConfig;

/**
 * The real model shapes a benchmark builds random weights of: each the architecture keys of the released
 * checkpoint's {@code config.json}, parsed by the same {@link ModelConfig#parse} a real checkpoint goes through.
 */
enum BenchShape {
    QWEN3_0_6B("qwen3-0.6b", "Qwen3-0.6B", qwen3(1024, 28, 16, 8, 3072, true)),
    QWEN3_1_7B("qwen3-1.7b", "Qwen3-1.7B", qwen3(2048, 28, 16, 8, 6144, true)),
    QWEN3_4B("qwen3-4b", "Qwen3-4B", qwen3(2560, 36, 32, 8, 9728, true)),
    QWEN3_8B("qwen3-8b", "Qwen3-8B", qwen3(4096, 36, 32, 8, 12288, false)),
    QWEN3_5_2B("qwen3.5-2b", "Qwen3.5-2B", """
            {"model_type": "qwen3_5", "tie_word_embeddings": true, "text_config": {
             "model_type": "qwen3_5_text", "hidden_size": 2048, "num_hidden_layers": 24, "full_attention_interval": 4,
             "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 256, "attn_output_gate": true,
             "intermediate_size": 6144, "vocab_size": 248320, "rms_norm_eps": 1e-6,
             "linear_num_key_heads": 16, "linear_num_value_heads": 16, "linear_key_head_dim": 128,
             "linear_value_head_dim": 128, "linear_conv_kernel_dim": 4, "tie_word_embeddings": true,
             "rope_parameters": {"rope_type": "default", "rope_theta": 10000000, "partial_rotary_factor": 0.25,
                                 "mrope_section": [11, 11, 10], "mrope_interleaved": true}}}""");

    private final String id;
    private final String title;
    private final String configJson;

    BenchShape(String id, String title, String configJson) {
        this.id = id;
        this.title = title;
        this.configJson = configJson;
    }

    /** The {@code --shape} spelling, e.g. {@code qwen3-8b}. */
    String id() {
        return id;
    }

    /** The released model's name, e.g. {@code Qwen3-8B}. */
    String title() {
        return title;
    }

    /** The shape {@code --shape} names; IllegalArgumentException listing the known ones otherwise. */
    static BenchShape named(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equalsIgnoreCase(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--shape must be one of " + Arrays.stream(values()).map(BenchShape::id)
                        .collect(Collectors.joining(", ")) + ", not '" + id + "'"));
    }

    /** The config, cut to its first {@code layers} blocks (the layer pattern kept) when {@code layers} is not null. */
    ModelConfig config(Integer layers) {
        JsonObject root = JsonParser.parseString(configJson).getAsJsonObject();
        if (layers != null) {
            JsonObject text = root.has("text_config") ? root.getAsJsonObject("text_config") : root;
            int kept = Math.min(layers, text.get("num_hidden_layers").getAsInt());
            text.addProperty("num_hidden_layers", kept);
            if (text.has("full_attention_interval")) {
                // Spelled out, so that fewer blocks than the interval keep their (all linear) pattern.
                int interval = text.get("full_attention_interval").getAsInt();
                JsonArray types = new JsonArray();
                for (int i = 0; i < kept; i++) {
                    types.add((i + 1) % interval == 0 ? "full_attention" : "linear_attention");
                }
                text.add("layer_types", types);
            }
        }
        try {
            return ModelConfig.parse(root, "built-in " + id + " shape");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A dense Qwen3 release's config.json keys (all share head_dim 128, the vocabulary, eps, rope theta and EOS). */
    private static String qwen3(int hidden, int layers, int heads, int kvHeads, int intermediate, boolean tied) {
        return """
                {"model_type": "qwen3", "hidden_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "num_key_value_heads": %d, "head_dim": 128, "intermediate_size": %d, "vocab_size": 151936,
                 "rms_norm_eps": 1e-6, "rope_theta": 1000000, "max_position_embeddings": 40960,
                 "tie_word_embeddings": %b, "eos_token_id": 151645}""".formatted(hidden, layers, heads, kvHeads,
                intermediate, tied);
    }
}
