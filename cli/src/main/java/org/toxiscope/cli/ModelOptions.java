package org.toxiscope.cli;

import ai.djl.Device;
import java.io.IOException;
import org.toxiscope.features.model.Devices;
import org.toxiscope.features.model.ModelCheckpoint;
import picocli.CommandLine.Option;

/** The {@code --model} and {@code --device} flags every model-running command shares. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR_OR_ID",
            description = "Model folder (config.json, tokenizer.json, *.safetensors) or Hugging Face id in the local "
                    + "cache, e.g. Qwen/Qwen3-1.7B-Base (never downloaded).")
    String model;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]",
            description = "Where the model runs (default: ${DEFAULT-VALUE}); gpu needs a CUDA libtorch (see README).")
    String device;

    ModelCheckpoint open() throws IOException {
        return ModelCheckpoint.open(model);
    }

    Device device() {
        return Devices.parse(device);
    }
}
