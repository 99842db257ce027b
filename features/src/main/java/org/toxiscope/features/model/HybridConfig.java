package org.toxiscope.features.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Set;
import org.toxiscope.features.io.JsonFields;
import org.toxiscope.features.io.MalformedFileException;
import java.util.TreeSet;

/**
 * The settings of a hybrid Qwen3.5 / Qwen3-Next text model beyond {@link ModelConfig}: which layers are full
 * attention (the rest are Gated DeltaNet), the linear-attention head shapes and conv kernel, the rotary width of the
 * gated full attention, and the shared expert of the MoE variants (0 when absent).
 */
public record HybridConfig(Set<Integer> fullAttentionLayers, int linearKeyHeads, int linearValueHeads,
                           int linearKeyDim, int linearValueDim, int convKernel, int rotaryDim,
                           boolean attentionOutputGate, int sharedExpertIntermediateSize) {

    /**
     * The hybrid settings of {@code config}, which {@link ModelConfig#parse} has already checked; an
     * {@link IllegalArgumentException} names the field for a config built by hand.
     */
    public static HybridConfig of(ModelConfig config) {
        try {
            return read(config, "config.json");
        } catch (MalformedFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Reads the hybrid settings from the text config; the error names {@code source} and the field. */
    static HybridConfig read(ModelConfig config, String source) throws MalformedFileException {
        JsonObject text = config.text();
        JsonFields f = new JsonFields(text, source);
        Set<Integer> full = new TreeSet<>();
        if (text.has("layer_types") && text.get("layer_types").isJsonArray()) {
            JsonArray types = text.getAsJsonArray("layer_types");
            if (types.size() != config.numLayers()) {
                throw f.bad("layer_types", "has " + types.size() + " entries for " + config.numLayers() + " layers");
            }
            for (int i = 0; i < types.size(); i++) {
                JsonElement entry = types.get(i);
                String type = entry.isJsonPrimitive() ? entry.getAsString() : String.valueOf(entry);
                if (type.equals("full_attention")) {
                    full.add(i);
                } else if (!type.equals("linear_attention")) {
                    throw f.bad("layer_types", "entry " + i + " is '" + type + "'");
                }
            }
        } else {
            // Older configs give only the interval: every interval-th layer is full attention.
            int interval = f.integer("full_attention_interval", 1, config.numLayers(), 4);
            for (int i = interval - 1; i < config.numLayers(); i += interval) {
                full.add(i);
            }
        }
        int keyHeads = f.integer("linear_num_key_heads", 1, ModelConfig.MAX_COUNT);
        int valueHeads = f.integer("linear_num_value_heads", 1, ModelConfig.MAX_COUNT);
        if (valueHeads % keyHeads != 0) {
            throw f.bad("linear_num_value_heads", valueHeads + " is not a multiple of linear_num_key_heads "
                    + keyHeads);
        }
        JsonObject rope = f.object("rope_parameters");
        JsonFields ropeFields = rope != null && rope.has("partial_rotary_factor")
                ? new JsonFields(rope, source + " (rope_parameters)") : f;
        double factor = ropeFields.positive("partial_rotary_factor", 1.0);
        int rotaryDim = (int) (config.headDim() * Math.min(factor, 1.0));
        if (factor > 1 || rotaryDim <= 0 || rotaryDim % 2 != 0) {
            throw ropeFields.bad("partial_rotary_factor", factor + " gives an odd, empty or too wide rotary width "
                    + rotaryDim + " of head_dim " + config.headDim());
        }
        return new HybridConfig(Set.copyOf(full), keyHeads, valueHeads,
                f.integer("linear_key_head_dim", 1, ModelConfig.MAX_COUNT),
                f.integer("linear_value_head_dim", 1, ModelConfig.MAX_COUNT),
                f.integer("linear_conv_kernel_dim", 1, ModelConfig.MAX_COUNT, 4), rotaryDim,
                f.bool("attn_output_gate", true),
                f.integer("shared_expert_intermediate_size", 1, ModelConfig.MAX_DIM, 0));
    }

    /** Whether decoder block {@code layer} mixes tokens with Gated DeltaNet (otherwise gated full attention). */
    public boolean isLinear(int layer) {
        return !fullAttentionLayers.contains(layer);
    }
}
