package org.toxiscope.cli;

import java.io.IOException;
import org.toxiscope.features.model.ModelCheckpoint;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code --model}, {@code --device} and {@code --dtype} flags every model-running command shares. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR_OR_ID",
            description = "Model folder (config.json, tokenizer.json, *.safetensors) or Hugging Face id in the local "
                    + "cache, e.g. Qwen/Qwen3-1.7B-Base (never downloaded).")
    String model;

    @Mixin
    RuntimeOptions runtime;

    ModelCheckpoint open() throws IOException {
        return ModelCheckpoint.open(model);
    }
}
