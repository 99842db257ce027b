package org.toxiscope.features.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape config.json gives each Hugging Face tensor of a Qwen3 / Qwen3-MoE / Qwen3.5 / Qwen3-Next checkpoint:
 * {@link #canonical} for the layout {@link RandomWeights} draws ({@code model.} prefix, experts stored per expert,
 * split linear-attention projections), {@link #expected} also for the layouts the loaders accept besides it
 * ({@code model.language_model.} prefix, fused experts, Qwen3-Next's grouped projections). A dimension of -1 is one
 * the config does not fix.
 */
final class TensorShapes {

    private static final String MULTIMODAL_PREFIX = "model.language_model.";
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d{1,9})\\.(.+)");
    private static final Pattern EXPERT = Pattern.compile("mlp\\.experts\\.\\d{1,9}\\.(.+)\\.weight");

    private final ModelConfig config;
    private final HybridConfig hybrid;

    TensorShapes(ModelConfig config) {
        this.config = config;
        this.hybrid = config.isHybrid() ? HybridConfig.of(config) : null;
    }

    /** The shape of {@code name} in the canonical layout, or null where this architecture has no such tensor. */
    long[] canonical(String name) {
        return shape(name, false);
    }

    /** The shape of {@code name} in any layout the loaders read, or null where the config says nothing of it. */
    long[] expected(String name) {
        String plain = name.startsWith(MULTIMODAL_PREFIX)
                ? "model." + name.substring(MULTIMODAL_PREFIX.length()) : name;
        return shape(plain, true);
    }

    private long[] shape(String name, boolean anyLayout) {
        long h = config.hiddenSize();
        switch (name) {
            case "model.embed_tokens.weight", "lm_head.weight":
                return new long[] {config.vocabSize(), h};
            case "model.norm.weight":
                return new long[] {h};
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
            return new long[] {h};
        }
        if (part.startsWith("mlp.")) {
            return mlpShape(layer, part, h, anyLayout);
        }
        return hybrid != null && hybrid.isLinear(layer) ? linearAttentionShape(part, h, anyLayout)
                : attentionShape(part, h);
    }

    private long[] attentionShape(String part, long h) {
        long d = config.headDim();
        long queries = config.numHeads() * d;
        return switch (part) {
            case "self_attn.q_norm.weight", "self_attn.k_norm.weight" -> new long[] {d};
            case "self_attn.q_proj.weight" ->
                    new long[] {hybrid != null && hybrid.attentionOutputGate() ? 2 * queries : queries, h};
            case "self_attn.k_proj.weight", "self_attn.v_proj.weight" -> new long[] {config.numKvHeads() * d, h};
            case "self_attn.o_proj.weight" -> new long[] {h, queries};
            default -> null;
        };
    }

    private long[] linearAttentionShape(String part, long h, boolean anyLayout) {
        long keys = (long) hybrid.linearKeyHeads() * hybrid.linearKeyDim();
        long values = (long) hybrid.linearValueHeads() * hybrid.linearValueDim();
        long heads = hybrid.linearValueHeads();
        return switch (part) {
            case "linear_attn.in_proj_qkv.weight" -> new long[] {2 * keys + values, h};
            case "linear_attn.in_proj_z.weight" -> new long[] {values, h};
            case "linear_attn.in_proj_b.weight", "linear_attn.in_proj_a.weight" -> new long[] {heads, h};
            case "linear_attn.in_proj_qkvz.weight" -> anyLayout ? new long[] {2 * keys + 2 * values, h} : null;
            case "linear_attn.in_proj_ba.weight" -> anyLayout ? new long[] {2 * heads, h} : null;
            case "linear_attn.conv1d.weight" -> new long[] {2 * keys + values, 1, hybrid.convKernel()};
            case "linear_attn.dt_bias", "linear_attn.A_log" -> new long[] {heads};
            case "linear_attn.norm.weight" -> new long[] {hybrid.linearValueDim()};
            case "linear_attn.out_proj.weight" -> new long[] {h, values};
            default -> null;
        };
    }

    private long[] mlpShape(int layer, String part, long h, boolean anyLayout) {
        if (!config.isSparseLayer(layer)) {
            return projection(part.substring("mlp.".length()), h, config.intermediateSize());
        }
        long inner = config.moe().moeIntermediateSize();
        long experts = config.moe().numExperts();
        Matcher expert = EXPERT.matcher(part);
        if (expert.matches()) {
            return projection(expert.group(1) + ".weight", h, inner);
        }
        int shared = hybrid == null ? 0 : hybrid.sharedExpertIntermediateSize();
        // A shared expert the config gives no size to is still loaded (Qwen35Model): its inner width is not fixed.
        long sharedInner = shared > 0 ? shared : -1;
        return switch (part) {
            case "mlp.gate.weight" -> new long[] {experts, h};
            case "mlp.experts.gate_up_proj" -> anyLayout ? new long[] {experts, 2 * inner, h} : null;
            case "mlp.experts.down_proj" -> anyLayout ? new long[] {experts, h, inner} : null;
            case "mlp.shared_expert_gate.weight" -> shared > 0 || anyLayout ? new long[] {1, h} : null;
            default -> (shared > 0 || anyLayout) && part.startsWith("mlp.shared_expert.")
                    ? projection(part.substring("mlp.shared_expert.".length()), h, sharedInner) : null;
        };
    }

    private static long[] projection(String part, long h, long inner) {
        return switch (part) {
            case "gate_proj.weight", "up_proj.weight" -> new long[] {inner, h};
            case "down_proj.weight" -> new long[] {h, inner};
            default -> null;
        };
    }

    /** Whether {@code actual} is {@code expected}, a -1 there matching any size. */
    static boolean matches(long[] expected, long[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != -1 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }
}
