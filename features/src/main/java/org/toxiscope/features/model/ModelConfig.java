package org.toxiscope.features.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.toxiscope.common.SmallFile;
import org.toxiscope.features.io.JsonFields;
import org.toxiscope.features.io.MalformedFileException;

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

    /** Largest layer count accepted: far above any released Qwen (94), small enough that nothing sized by it blows up. */
    static final int MAX_LAYERS = 4096;
    /** Largest head, expert or head-dimension count accepted. */
    static final int MAX_COUNT = 1 << 16;
    /** Largest hidden, intermediate or vocabulary size accepted (a dimension of one weight tensor). */
    static final int MAX_DIM = 1 << 24;

    /**
     * Reads and checks {@code config.json}: UTF-8, every field read by type and range (naming the file and field);
     * unknown model types are refused, listing the supported ones.
     */
    public static ModelConfig read(Path configJson) throws IOException {
        String text = SmallFile.readUtf8(configJson, SmallFile.MAX_CONFIG_BYTES);
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new MalformedFileException(configJson + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new MalformedFileException(configJson + ": not a JSON object");
        }
        return parse(root.getAsJsonObject(), configJson.toString());
    }

    /** Parses a config.json object ({@code source} names it in errors). */
    public static ModelConfig parse(JsonObject root, String source) throws IOException {
        JsonFields top = new JsonFields(root, source);
        // Multimodal releases nest the language model's settings in text_config.
        JsonObject nested = top.object("text_config");
        JsonObject text = nested != null ? nested : root;
        JsonFields f = nested != null ? new JsonFields(nested, source + " (text_config)") : top;
        String type = f.string("model_type", top.string("model_type", null));
        if (type == null) {
            throw new MalformedFileException(source + ": field 'model_type' is missing");
        }
        if (!SUPPORTED.contains(type)) {
            throw new MalformedFileException(source + ": model_type '" + type + "' is not supported; supported: "
                    + String.join(", ", SUPPORTED));
        }
        int hidden = f.integer("hidden_size", 1, MAX_DIM);
        int layers = f.integer("num_hidden_layers", 1, MAX_LAYERS);
        int heads = f.integer("num_attention_heads", 1, MAX_COUNT);
        int kvHeads = f.integer("num_key_value_heads", 1, heads, heads);
        if (heads % kvHeads != 0) {
            throw f.bad("num_key_value_heads", "is " + kvHeads + ", which does not divide num_attention_heads "
                    + heads);
        }
        if (!f.has("head_dim") && hidden % heads != 0) {
            throw f.bad("num_attention_heads", "is " + heads + ", which does not divide hidden_size " + hidden
                    + " (and there is no head_dim)");
        }
        int headDim = f.integer("head_dim", 1, MAX_COUNT, hidden / heads);
        JsonObject ropeParameters = f.object("rope_parameters");
        double theta = f.has("rope_theta") || ropeParameters == null ? f.positive("rope_theta", 10000.0)
                : new JsonFields(ropeParameters, source + " (rope_parameters)").positive("rope_theta", 10000.0);
        boolean tied = f.bool("tie_word_embeddings", top.bool("tie_word_embeddings", false));
        int vocab = f.integer("vocab_size", 1, MAX_DIM);
        Moe moe = Moe.NONE;
        if (type.endsWith("_moe") || type.endsWith("_moe_text") || type.equals("qwen3_next")) {
            int experts = f.integer("num_experts", 1, MAX_COUNT);
            moe = new Moe(experts, f.integer("num_experts_per_tok", 1, experts),
                    f.integer("moe_intermediate_size", 1, MAX_DIM),
                    // Qwen3.5-MoE's router always renormalises the top-k weights (its config has no such key).
                    f.bool("norm_topk_prob", type.startsWith("qwen3_5")),
                    f.integer("decoder_sparse_step", 1, layers, 1),
                    Set.copyOf(new TreeSet<>(f.integers("mlp_only_layers", 0, layers - 1))));
        }
        int intermediate = f.integer("intermediate_size", 1, MAX_DIM, 0);
        // Read through maxPositionEmbeddings(); checked here so a hostile value fails at open, not at first use.
        f.integer("max_position_embeddings", 1, Integer.MAX_VALUE, 0);
        ModelConfig config = new ModelConfig(type, hidden, layers, heads, kvHeads, headDim, intermediate, vocab,
                f.positive("rms_norm_eps", 1e-6), theta, tied,
                f.has("eos_token_id") ? eosTokenId(text, f, vocab) : eosTokenId(root, top, vocab), moe, text);
        for (int i = 0; i < layers && intermediate == 0; i++) {
            if (!config.isSparseLayer(i)) {
                throw f.bad("intermediate_size", "is missing, and layer " + i + " has a dense MLP");
            }
        }
        if (config.isHybrid()) {
            HybridConfig.read(config, source);
        }
        return config;
    }

    /** The first of {@code eos_token_id} (an integer or an array of them), -1 where absent. */
    private static int eosTokenId(JsonObject o, JsonFields f, int vocab) throws MalformedFileException {
        if (!f.has("eos_token_id")) {
            return -1;
        }
        if (!o.get("eos_token_id").isJsonArray()) {
            return f.integer("eos_token_id", 0, vocab - 1);
        }
        List<Integer> ids = f.integers("eos_token_id", 0, vocab - 1);
        return ids.isEmpty() ? -1 : ids.get(0);
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

    /** Whether decoder block {@code layer} uses the sparse expert MLP (Qwen3-MoE's rule). */
    public boolean isSparseLayer(int layer) {
        return moe.numExperts() > 0 && !moe.mlpOnlyLayers().contains(layer)
                && (layer + 1) % moe.decoderSparseStep() == 0;
    }
}
