package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random weights of a real Qwen3, Qwen3-MoE, Qwen3.5 or Qwen3.5-MoE shape, made in memory under the Hugging Face
 * tensor names ({@code model.} prefix, experts stored per expert): projections normal with std 0.02, norms at scale 1
 * (zero for the zero-centred Qwen3.5 norms), {@code A_log} 0 and {@code dt_bias} 1. For benchmarks of sizes that
 * cannot be downloaded here; each load draws fresh values.
 */
public final class RandomWeights implements Weights {

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern EXPERT = Pattern.compile("mlp\\.experts\\.\\d+\\.(.+)\\.weight");

    private final ModelConfig config;
    private final HybridConfig hybrid;

    public RandomWeights(ModelConfig config) {
        this.config = config;
        this.hybrid = config.isHybrid() ? HybridConfig.of(config) : null;
    }

    @Override
    public boolean has(String name) {
        return shapeOrNull(name) != null && (!name.equals("lm_head.weight") || !config.tieWordEmbeddings());
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        Shape shape = shape(name);
        if (name.endsWith("linear_attn.norm.weight") || name.endsWith("dt_bias")
                || (hybrid == null && name.endsWith("norm.weight"))) {
            return manager.ones(shape);
        }
        if (name.endsWith("norm.weight") || name.endsWith("A_log")) {
            return manager.zeros(shape);
        }
        return manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
    }

    /** The shape of Hugging Face tensor {@code name} in this config; IllegalArgumentException for unknown names. */
    public Shape shape(String name) {
        Shape shape = shapeOrNull(name);
        if (shape == null) {
            throw new IllegalArgumentException("no random tensor '" + name + "' in a " + config.modelType() + " shape");
        }
        return shape;
    }

    /** The tensor's shape, or null where this architecture has no tensor of that name. */
    private Shape shapeOrNull(String name) {
        long h = config.hiddenSize();
        switch (name) {
            case "model.embed_tokens.weight", "lm_head.weight":
                return new Shape(config.vocabSize(), h);
            case "model.norm.weight":
                return new Shape(h);
            default:
                break;
        }
        Matcher m = LAYER.matcher(name);
        if (!m.matches() || Integer.parseInt(m.group(1)) >= config.numLayers()) {
            return null;
        }
        int layer = Integer.parseInt(m.group(1));
        String part = m.group(2);
        if (part.equals("input_layernorm.weight") || part.equals("post_attention_layernorm.weight")) {
            return new Shape(h);
        }
        if (part.startsWith("mlp.")) {
            return mlpShape(layer, part, h);
        }
        return hybrid != null && hybrid.isLinear(layer) ? linearAttentionShape(part, h) : attentionShape(part, h);
    }

    private Shape attentionShape(String part, long h) {
        long d = config.headDim();
        long queries = config.numHeads() * d;
        return switch (part) {
            case "self_attn.q_norm.weight", "self_attn.k_norm.weight" -> new Shape(d);
            case "self_attn.q_proj.weight" ->
                    new Shape(hybrid != null && hybrid.attentionOutputGate() ? 2 * queries : queries, h);
            case "self_attn.k_proj.weight", "self_attn.v_proj.weight" -> new Shape(config.numKvHeads() * d, h);
            case "self_attn.o_proj.weight" -> new Shape(h, queries);
            default -> null;
        };
    }

    private Shape linearAttentionShape(String part, long h) {
        long keys = (long) hybrid.linearKeyHeads() * hybrid.linearKeyDim();
        long values = (long) hybrid.linearValueHeads() * hybrid.linearValueDim();
        long heads = hybrid.linearValueHeads();
        return switch (part) {
            case "linear_attn.in_proj_qkv.weight" -> new Shape(2 * keys + values, h);
            case "linear_attn.in_proj_z.weight" -> new Shape(values, h);
            case "linear_attn.in_proj_b.weight", "linear_attn.in_proj_a.weight" -> new Shape(heads, h);
            case "linear_attn.conv1d.weight" -> new Shape(2 * keys + values, 1, hybrid.convKernel());
            case "linear_attn.dt_bias", "linear_attn.A_log" -> new Shape(heads);
            case "linear_attn.norm.weight" -> new Shape(hybrid.linearValueDim());
            case "linear_attn.out_proj.weight" -> new Shape(h, values);
            default -> null;
        };
    }

    private Shape mlpShape(int layer, String part, long h) {
        if (!config.isSparseLayer(layer)) {
            return projection(part.substring("mlp.".length()), h, config.intermediateSize());
        }
        Matcher expert = EXPERT.matcher(part);
        if (expert.matches()) {
            return projection(expert.group(1) + ".weight", h, config.moe().moeIntermediateSize());
        }
        int shared = hybrid == null ? 0 : hybrid.sharedExpertIntermediateSize();
        return switch (part) {
            case "mlp.gate.weight" -> new Shape(config.moe().numExperts(), h);
            case "mlp.shared_expert_gate.weight" -> shared > 0 ? new Shape(1, h) : null;
            default -> shared > 0 && part.startsWith("mlp.shared_expert.")
                    ? projection(part.substring("mlp.shared_expert.".length()), h, shared) : null;
        };
    }

    private static Shape projection(String part, long h, long inner) {
        return switch (part) {
            case "gate_proj.weight", "up_proj.weight" -> new Shape(inner, h);
            case "down_proj.weight" -> new Shape(h, inner);
            default -> null;
        };
    }
}
