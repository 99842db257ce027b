package org.toxiscope.cli;

import org.toxiscope.features.model.ModelConfig;
import picocli.CommandLine.Option;

/** The shape of a random-weight Qwen3 model for benchmarks (default Qwen3-0.6B). */
final class ModelShapeOptions {

    @Option(names = "--layers", defaultValue = "28", description = "Decoder blocks (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "1024") int hidden;
    @Option(names = "--heads", defaultValue = "16") int heads;
    @Option(names = "--kv-heads", defaultValue = "8") int kvHeads;
    @Option(names = "--head-dim", defaultValue = "128") int headDim;
    @Option(names = "--intermediate", defaultValue = "3072") int intermediate;
    @Option(names = "--vocab", defaultValue = "151936") int vocab;

    ModelConfig config() {
        return ModelConfig.qwen3(hidden, layers, heads, kvHeads, headDim, intermediate, vocab);
    }
}
