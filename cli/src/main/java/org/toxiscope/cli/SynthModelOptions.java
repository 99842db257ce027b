package org.toxiscope.cli;

import java.io.IOException;
import java.util.Collection;
import org.toxiscope.features.extract.ExtractionSettings;
import org.toxiscope.features.model.Devices;
import org.toxiscope.synthesize.FeatureModel;
import picocli.CommandLine.Option;

/**
 * The model and SAE flags of the feature-space commands (synthesize, its coverage, explain-feature): the whole model
 * is loaded, and the SAE layers come from the targets rather than from a --layer flag. Checked in code, not by
 * picocli, so that {@code synthesize coverage} is not refused for the parent's flags.
 */
final class SynthModelOptions {

    @Option(names = "--model", paramLabel = "DIR_OR_ID",
            description = "Model folder or Hugging Face id in the local cache (required; never downloaded).")
    String model;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]",
            description = "Where the model runs (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--sae", paramLabel = "PATH_OR_ID",
            description = "Qwen-Scope layer{n}.sae.pt file, a folder of them, a SAELens folder or a HF id (required).")
    String sae;

    @Option(names = "--k", paramLabel = "K", description = "Top-k of the SAE (default: from the release name or cfg).")
    Integer k;

    @Option(names = "--relu", description = "Apply ReLU before top-k (default: top-k of the raw pre-activations).")
    boolean relu;

    /** Opens the whole model and the SAEs of {@code layers}, after checking the required flags. */
    FeatureModel open(Collection<Integer> layers) throws IOException {
        if (model == null || sae == null) {
            throw new IllegalArgumentException("--model and --sae are required");
        }
        return FeatureModel.open(model, Devices.parse(device), sae, layers, k, relu,
                ExtractionSettings.DEFAULT);
    }
}
