package org.toxiscope.cli.bench;

import org.toxiscope.features.model.ModelConfig;
import picocli.CommandLine.Option;

/** The Qwen3 shape of a random-weight benchmark model; the defaults are {@link #QWEN3_0_6B}'s. */
final class Qwen3ShapeOptions {

    /** The one copy of Qwen3-0.6B's shape that every benchmark uses. */
    static final ModelConfig QWEN3_0_6B = ModelConfig.qwen3(1024, 28, 16, 8, 128, 3072, 151936);

    @Option(names = "--layers", description = "Decoder blocks (default ${DEFAULT-VALUE}).")
    int layers = QWEN3_0_6B.numLayers();

    @Option(names = "--hidden") int hidden = QWEN3_0_6B.hiddenSize();
    @Option(names = "--heads") int heads = QWEN3_0_6B.numHeads();
    @Option(names = "--kv-heads") int kvHeads = QWEN3_0_6B.numKvHeads();
    @Option(names = "--head-dim") int headDim = QWEN3_0_6B.headDim();
    @Option(names = "--intermediate") int intermediate = QWEN3_0_6B.intermediateSize();
    @Option(names = "--vocab") int vocab = QWEN3_0_6B.vocabSize();

    ModelConfig config() {
        return ModelConfig.qwen3(hidden, layers, heads, kvHeads, headDim, intermediate, vocab);
    }
}
