package org.toxiscope.cli;

import org.toxiscope.synthesize.ModelChoice;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model and SAE flags of the feature-space commands (synthesize, its coverage, explain-feature): the whole model
 * is loaded, and the SAE layers come from the targets rather than from a --layer flag. Checked in code, not by
 * picocli, so that {@code synthesize coverage} is not refused for the parent's flags.
 */
final class SynthModelOptions {

    @Option(names = "--model", paramLabel = "DIR_OR_ID",
            description = "Model folder or Hugging Face id in the local cache (required; never downloaded; "
                    + "synthesize: default the classifier's).")
    String model;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--sae", paramLabel = "PATH_OR_ID",
            description = "Qwen-Scope layer{n}.sae.pt file, a folder of them, a SAELens folder or a HF id (required; "
                    + "synthesize: default the classifier's).")
    String sae;

    @Option(names = "--k", paramLabel = "K",
            description = "Top-k of the SAE (default: from the release name or cfg; synthesize: the classifier's).")
    Integer k;

    @Option(names = "--relu", negatable = true,
            description = "Apply ReLU before top-k, or not with --no-relu (default: the SAE format's convention; "
                    + "synthesize: the classifier's).")
    Boolean relu;

    /** The flags as given (null where absent). */
    ModelChoice choice() {
        return new ModelChoice(model, sae, k, relu, runtime.device, runtime.dtype);
    }
}
