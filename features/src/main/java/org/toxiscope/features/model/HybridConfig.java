package org.toxiscope.features.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Set;
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
     * Reads the hybrid settings from the text config; an {@link IllegalArgumentException} names the missing or
     * inconsistent field.
     */
    public static HybridConfig of(ModelConfig config) {
        JsonObject text = config.text();
        Set<Integer> full = new TreeSet<>();
        if (text.has("layer_types") && text.get("layer_types").isJsonArray()) {
            JsonArray types = text.getAsJsonArray("layer_types");
            if (types.size() != config.numLayers()) {
                throw bad("layer_types", "has " + types.size() + " entries for " + config.numLayers() + " layers");
            }
            for (int i = 0; i < types.size(); i++) {
                JsonElement entry = types.get(i);
                String type = entry.isJsonPrimitive() ? entry.getAsString() : String.valueOf(entry);
                if (type.equals("full_attention")) {
                    full.add(i);
                } else if (!type.equals("linear_attention")) {
                    throw bad("layer_types", "entry " + i + " is '" + type + "'");
                }
            }
        } else {
            // Older configs give only the interval: every interval-th layer is full attention.
            int interval = integer(text, "full_attention_interval", 4);
            for (int i = interval - 1; i < config.numLayers(); i += interval) {
                full.add(i);
            }
        }
        int keyHeads = required(text, "linear_num_key_heads");
        int valueHeads = required(text, "linear_num_value_heads");
        if (valueHeads <= 0 || keyHeads <= 0 || valueHeads % keyHeads != 0) {
            throw bad("linear_num_value_heads", valueHeads + " is not a multiple of linear_num_key_heads " + keyHeads);
        }
        JsonObject rope = text.has("rope_parameters") && text.get("rope_parameters").isJsonObject()
                ? text.getAsJsonObject("rope_parameters") : new JsonObject();
        double factor = number(rope.has("partial_rotary_factor") ? rope : text, "partial_rotary_factor", 1.0);
        int rotaryDim = (int) (config.headDim() * factor);
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) {
            throw bad("partial_rotary_factor", factor + " gives an odd or empty rotary width " + rotaryDim);
        }
        return new HybridConfig(Set.copyOf(full), keyHeads, valueHeads, required(text, "linear_key_head_dim"),
                required(text, "linear_value_head_dim"), integer(text, "linear_conv_kernel_dim", 4), rotaryDim,
                !text.has("attn_output_gate") || !"false".equals(String.valueOf(text.get("attn_output_gate"))),
                integer(text, "shared_expert_intermediate_size", 0));
    }

    /** Whether decoder block {@code layer} mixes tokens with Gated DeltaNet (otherwise gated full attention). */
    public boolean isLinear(int layer) {
        return !fullAttentionLayers.contains(layer);
    }

    private static int required(JsonObject o, String key) {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            throw bad(key, "is missing");
        }
        return integer(o, key, 0);
    }

    /** A positive integer, or {@code fallback} where the key is absent. */
    private static int integer(JsonObject o, String key, int fallback) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            int value = e.getAsInt();
            if (value > 0) {
                return value;
            }
        } catch (RuntimeException notANumber) {
            // Reported below with the value as found.
        }
        throw bad(key, "is not a positive integer: " + e);
    }

    private static double number(JsonObject o, String key, double fallback) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            return e.getAsDouble();
        } catch (RuntimeException notANumber) {
            throw bad(key, "is not a number: " + e);
        }
    }

    private static IllegalArgumentException bad(String key, String problem) {
        return new IllegalArgumentException("config.json (text config): field '" + key + "' " + problem);
    }
}
