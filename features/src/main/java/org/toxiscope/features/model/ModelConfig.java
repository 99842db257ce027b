package org.toxiscope.features.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.toxiscope.common.SmallFile;

/**
 * The architecture settings of a Qwen checkpoint, read from its {@code config.json}; {@code text} holds the raw
 * (text) config object so that architectures with more keys (Qwen3.5) read their own.
 */
public record ModelConfig(String modelType, int hiddenSize, int numLayers, int numHeads, int numKvHeads, int headDim,
                          int intermediateSize, int vocabSize, double rmsNormEps, double ropeTheta,
                          boolean tieWordEmbeddings, int eosTokenId, Moe moe, JsonObject text) {

    /** Mixture-of-experts settings; {@code numExperts == 0} for dense models. */
    public record Moe(int numExperts, int expertsPerToken, int moeIntermediateSize, boolean normTopkProb,
                      int decoderSparseStep, Set<Integer> mlpOnlyLayers) {

        static final Moe NONE = new Moe(0, 0, 0, false, 1, Set.of());
    }

    /** The model types this build can run. */
    public static final List<String> SUPPORTED = List.of("qwen3", "qwen3_moe", "qwen3_5", "qwen3_5_text",
            "qwen3_5_moe", "qwen3_5_moe_text", "qwen3_next");

    /** Whether this is a hybrid Gated DeltaNet / gated-attention model (Qwen3.5, Qwen3-Next). */
    public boolean isHybrid() {
        return modelType.startsWith("qwen3_5") || modelType.equals("qwen3_next");
    }

    /** Reads and checks {@code config.json}; unknown model types are refused, listing the supported ones. */
    public static ModelConfig read(Path configJson) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(SmallFile.readString(configJson, SmallFile.MAX_CONFIG_BYTES)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(configJson + ": not a JSON object: " + e.getMessage(), e);
        }
        return parse(root, configJson.toString());
    }

    /** Parses a config.json object ({@code source} names it in errors). */
    public static ModelConfig parse(JsonObject root, String source) throws IOException {
        // Multimodal releases nest the language model's settings in text_config.
        JsonObject text = root.has("text_config") && root.get("text_config").isJsonObject()
                ? root.getAsJsonObject("text_config") : root;
        String type = string(text, "model_type", string(root, "model_type", null));
        if (type == null) {
            throw new IOException(source + ": field 'model_type' is missing");
        }
        if (!SUPPORTED.contains(type)) {
            throw new IOException(source + ": model_type '" + type + "' is not supported; supported: "
                    + String.join(", ", SUPPORTED));
        }
        int hidden = required(text, "hidden_size", source);
        int heads = required(text, "num_attention_heads", source);
        int headDim = text.has("head_dim") && !text.get("head_dim").isJsonNull()
                ? text.get("head_dim").getAsInt() : hidden / heads;
        double theta = text.has("rope_theta") ? text.get("rope_theta").getAsDouble()
                : text.has("rope_parameters") ? text.getAsJsonObject("rope_parameters").get("rope_theta").getAsDouble()
                : 10000.0;
        boolean tied = bool(text, "tie_word_embeddings", bool(root, "tie_word_embeddings", false));
        Moe moe = Moe.NONE;
        if (type.endsWith("_moe") || type.endsWith("_moe_text") || type.equals("qwen3_next")) {
            Set<Integer> dense = new java.util.TreeSet<>();
            if (text.has("mlp_only_layers") && text.get("mlp_only_layers").isJsonArray()) {
                for (JsonElement e : text.getAsJsonArray("mlp_only_layers")) {
                    dense.add(e.getAsInt());
                }
            }
            moe = new Moe(required(text, "num_experts", source), required(text, "num_experts_per_tok", source),
                    // Qwen3.5-MoE's router always renormalises the top-k weights (its config has no such key).
                    required(text, "moe_intermediate_size", source),
                    bool(text, "norm_topk_prob", type.startsWith("qwen3_5")),
                    text.has("decoder_sparse_step") ? text.get("decoder_sparse_step").getAsInt() : 1, Set.copyOf(dense));
        }
        ModelConfig config = new ModelConfig(type, hidden, required(text, "num_hidden_layers", source), heads,
                text.has("num_key_value_heads") ? text.get("num_key_value_heads").getAsInt() : heads, headDim,
                text.has("intermediate_size") ? text.get("intermediate_size").getAsInt() : 0,
                required(text, "vocab_size", source),
                text.has("rms_norm_eps") ? text.get("rms_norm_eps").getAsDouble() : 1e-6, theta, tied,
                firstInt(text.has("eos_token_id") ? text.get("eos_token_id") : root.get("eos_token_id"), -1),
                moe, text);
        checkPositions(text, source);
        if (config.isHybrid()) {
            try {
                HybridConfig.of(config);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": " + e.getMessage(), e);
            }
        }
        return config;
    }

    /** A dense Qwen3 shape with the usual defaults (eps 1e-6, rope theta 1e6, tied), for benchmarks and tests. */
    public static ModelConfig qwen3(int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate,
                                    int vocab) {
        return new ModelConfig("qwen3", hidden, layers, heads, kvHeads, headDim, intermediate, vocab, 1e-6, 1e6, true,
                151643, Moe.NONE, new JsonObject());
    }

    /**
     * {@code max_position_embeddings}: the longest sequence the model positions, which bounds the default token limit
     * per text and prompt plus generated tokens; 0 where config.json gives none.
     */
    public int maxPositionEmbeddings() {
        JsonElement e = text.get("max_position_embeddings");
        return e == null || e.isJsonNull() ? 0 : e.getAsInt();
    }

    /** {@code max_position_embeddings}, where given, must be a positive integer (it sizes limits, never memory). */
    private static void checkPositions(JsonObject text, String source) throws IOException {
        JsonElement e = text.get("max_position_embeddings");
        if (e == null || e.isJsonNull()) {
            return;
        }
        double v = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsDouble() : Double.NaN;
        if (!(v >= 1 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            String shown = e.toString();
            throw new IOException(source + ": field 'max_position_embeddings' must be a positive integer, not "
                    + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown));
        }
    }

    /** Whether decoder block {@code layer} uses the sparse expert MLP (Qwen3-MoE's rule). */
    public boolean isSparseLayer(int layer) {
        return moe.numExperts() > 0 && !moe.mlpOnlyLayers().contains(layer)
                && (layer + 1) % moe.decoderSparseStep() == 0;
    }

    private static int required(JsonObject o, String key, String source) throws IOException {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            throw new IOException(source + ": field '" + key + "' is missing");
        }
        try {
            return o.get(key).getAsInt();
        } catch (RuntimeException e) {
            throw new IOException(source + ": field '" + key + "' is not an integer: " + o.get(key));
        }
    }

    private static String string(JsonObject o, String key, String fallback) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : fallback;
    }

    private static boolean bool(JsonObject o, String key, boolean fallback) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsBoolean() : fallback;
    }

    private static int firstInt(JsonElement e, int fallback) {
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            return a.isEmpty() ? fallback : a.get(0).getAsInt();
        }
        return e.getAsInt();
    }
}
