package org.toxiscope.features.demo;

import java.util.List;
import org.toxiscope.features.model.ModelConfig;

/**
 * The sizes of the random assets {@link DemoAssets} writes: the Qwen3 model's dimensions (its vocabulary is always the
 * corpus's words), the SAE's width and k, and the layers that get an SAE.
 */
public record DemoShape(int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate, int saeWidth,
                        int k, List<Integer> saeLayers) {

    /** The embedded demo's tiny model, with an SAE at every layer. */
    public static final DemoShape DEMO = new DemoShape(128, 4, 4, 2, 32, 384, 4096, 16, List.of(0, 1, 2, 3));

    public DemoShape {
        saeLayers = List.copyOf(saeLayers);
        for (int layer : saeLayers) {
            if (layer < 0 || layer >= layers) {
                throw new IllegalArgumentException("SAE layer " + layer + " is outside the model's 0.." + (layers - 1));
            }
        }
    }

    /**
     * {@code model}'s dimensions cut to its first {@code layers} blocks (its vocabulary size is not used), with SAEs of
     * {@code saeWidth} features, top {@code k}, at {@code saeLayers}.
     */
    public static DemoShape of(ModelConfig model, int layers, int saeWidth, int k, List<Integer> saeLayers) {
        return new DemoShape(model.hiddenSize(), layers, model.numHeads(), model.numKvHeads(), model.headDim(),
                model.intermediateSize(), saeWidth, k, saeLayers);
    }

    /** The model config for a vocabulary of {@code vocab} tokens. */
    ModelConfig config(int vocab) {
        return ModelConfig.qwen3(hidden, layers, heads, kvHeads, headDim, intermediate, vocab);
    }
}
