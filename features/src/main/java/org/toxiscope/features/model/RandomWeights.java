package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Random weights of a real Qwen3, Qwen3-MoE, Qwen3.5 or Qwen3.5-MoE shape, made in memory under the Hugging Face
 * tensor names ({@code model.} prefix, experts stored per expert): projections normal with std 0.02, norms at scale 1
 * (zero for the zero-centred Qwen3.5 norms), {@code A_log} 0 and {@code dt_bias} 1. For benchmarks of sizes that
 * cannot be downloaded here; each load draws fresh values.
 */
public final class RandomWeights implements Weights {

    private final ModelConfig config;
    private final boolean hybrid;
    private final TensorShapes shapes;

    public RandomWeights(ModelConfig config) {
        this.config = config;
        this.hybrid = config.isHybrid();
        this.shapes = new TensorShapes(config);
    }

    @Override
    public boolean has(String name) {
        return shapeOrNull(name) != null && (!name.equals("lm_head.weight") || !config.tieWordEmbeddings());
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        Shape shape = shape(name);
        if (name.endsWith("linear_attn.norm.weight") || name.endsWith("dt_bias")
                || (!hybrid && name.endsWith("norm.weight"))) {
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
        long[] shape = shapes.canonical(name);
        return shape == null ? null : new Shape(shape);
    }

    @Override
    public long[] tensorShape(String name) {
        return shape(name).getShape();
    }
}
