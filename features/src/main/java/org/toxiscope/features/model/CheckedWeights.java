package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.toxiscope.features.io.FiniteCheck;
import org.toxiscope.features.io.MalformedFileException;

/**
 * A checkpoint's weights as a loader reads them, each checked before it is allocated against the shape config.json
 * gives it (an error names the tensor and both shapes); {@link #requireFinite} then checks every tensor loaded for
 * NaN and infinities in one batch of engine reductions. {@link #requireCounts} checks config.json's layer and expert
 * counts against the tensors present before anything is sized by them.
 */
final class CheckedWeights implements Weights {

    private final Weights weights;
    private final TensorShapes shapes;
    private final String source;
    private final FiniteCheck finite;

    /** {@code checks} owns the finiteness reductions: a packed layer's source tensor is freed before they are read. */
    CheckedWeights(ModelConfig config, Weights weights, String source, NDManager checks) {
        this.weights = weights;
        this.shapes = new TensorShapes(config);
        this.source = source;
        this.finite = new FiniteCheck(checks);
    }

    /**
     * Refuses a config.json whose {@code num_hidden_layers} or {@code num_experts} the checkpoint has no tensors for,
     * naming the first missing tensor: a count of a billion fails here, before anything is allocated for it.
     */
    static void requireCounts(ModelConfig config, Weights weights, String source) throws MalformedFileException {
        String prefix = weights.has("model.language_model.embed_tokens.weight") ? "model.language_model." : "model.";
        String last = prefix + "layers." + (config.numLayers() - 1) + ".input_layernorm.weight";
        if (!weights.has(last)) {
            throw new MalformedFileException(source + ": config.json gives num_hidden_layers "
                    + config.numLayers() + " but the checkpoint has no tensor '" + last + "'");
        }
        int experts = config.moe().numExperts();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            if (config.isSparseLayer(layer)) {
                String p = prefix + "layers." + layer + ".mlp.experts.";
                String lastExpert = p + (experts - 1) + ".gate_proj.weight";
                // The fused layout's expert count is its first dimension, checked with its shape on load.
                if (!weights.has(lastExpert) && !weights.has(p + "gate_up_proj")) {
                    throw new MalformedFileException(source + ": config.json gives num_experts " + experts
                            + " but the checkpoint has no tensor '" + lastExpert + "'");
                }
                return;
            }
        }
    }

    @Override
    public boolean has(String name) {
        return weights.has(name);
    }

    @Override
    public long[] tensorShape(String name) {
        return weights.tensorShape(name);
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        return load(name, manager, ComputeDtype.F32);
    }

    @Override
    public NDArray load(String name, NDManager manager, ComputeDtype dtype) {
        long[] expected = shapes.expected(name);
        if (expected != null && weights.has(name)) {
            long[] actual = weights.tensorShape(name);
            if (!TensorShapes.matches(expected, actual)) {
                throw malformed(source + ": tensor '" + name + "' has shape " + Arrays.toString(actual)
                        + " but config.json gives " + Arrays.toString(expected).replace("-1", "*"));
            }
        }
        NDArray array = weights.load(name, manager, dtype);
        finite.add(name, array);
        return array;
    }

    /** Refuses the first loaded tensor holding a NaN or an infinity, naming it; frees the reductions. */
    void requireFinite() {
        try {
            finite.require(source);
        } catch (MalformedFileException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static UncheckedIOException malformed(String message) {
        return new UncheckedIOException(message, new MalformedFileException(message));
    }
}
