package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random weights of a real Qwen3 shape, made in memory (normal, std 0.02; norms 1): for benchmarks of a model size
 * that cannot be downloaded here. The shape of each tensor follows from its Hugging Face name and the config.
 */
public final class RandomWeights implements Weights {

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.weight");

    private final ModelConfig config;

    public RandomWeights(ModelConfig config) {
        this.config = config;
    }

    @Override
    public boolean has(String name) {
        return !name.equals("lm_head.weight") || !config.tieWordEmbeddings();
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        Shape shape = shape(name);
        if (name.endsWith("norm.weight")) {
            return manager.ones(shape);
        }
        return manager.randomNormal(0f, 0.02f, shape, ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /** The shape of Hugging Face tensor {@code name} in this config; IllegalArgumentException for unknown names. */
    public Shape shape(String name) {
        long h = config.hiddenSize();
        long d = config.headDim();
        switch (name) {
            case "model.embed_tokens.weight", "lm_head.weight":
                return new Shape(config.vocabSize(), h);
            case "model.norm.weight":
                return new Shape(h);
            default:
                break;
        }
        Matcher m = LAYER.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("no random shape for tensor '" + name + "'");
        }
        String part = m.group(2);
        long inter = config.intermediateSize();
        return switch (part) {
            case "input_layernorm", "post_attention_layernorm" -> new Shape(h);
            case "self_attn.q_norm", "self_attn.k_norm" -> new Shape(d);
            case "self_attn.q_proj" -> new Shape(config.numHeads() * d, h);
            case "self_attn.k_proj", "self_attn.v_proj" -> new Shape(config.numKvHeads() * d, h);
            case "self_attn.o_proj" -> new Shape(h, config.numHeads() * d);
            case "mlp.gate_proj", "mlp.up_proj" -> new Shape(inter, h);
            case "mlp.down_proj" -> new Shape(h, inter);
            default -> throw new IllegalArgumentException("no random shape for tensor '" + name + "'");
        };
    }
}
