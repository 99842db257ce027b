package org.toxiscope.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
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
        return parseDevice(device);
    }

    static Device parseDevice(String spec) {
        if (spec.equals("cpu")) {
            return Device.cpu();
        }
        if (spec.equals("gpu") || spec.startsWith("gpu:")) {
            int gpus = Engine.getInstance().getGpuCount();
            int id = spec.equals("gpu") ? 0 : Integer.parseInt(spec.substring(4));
            if (id >= gpus) {
                throw new IllegalArgumentException("--device " + spec + ": DJL finds " + gpus + " GPU(s) with the "
                        + Engine.getInstance().getEngineName() + " engine (a CUDA build of libtorch is needed: set "
                        + "PYTORCH_LIBRARY_PATH or allow DJL to download it, see README 'On a GPU')");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("--device must be cpu, gpu or gpu:N, not '" + spec + "'");
    }
}
