package org.toxiscope.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model-run options shared by {@code eval curve}, {@code eval layers} and {@code eval languages}. */
final class EvalModelOptions {

    @Option(names = "--model", paramLabel = "M", required = true, description = "Model folder (Hugging Face layout).")
    Path model;

    @Option(names = "--sae", paramLabel = "S", required = true, description = "SAE folder or file.")
    Path sae;

    @Option(names = "--layers", paramLabel = "LAYERS", defaultValue = "all",
            description = "Layers to use: all, or a comma-separated list (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--data", paramLabel = "TRAIN", required = true, description = "Labelled discovery/training data.")
    Path data;

    @Option(names = "--test", paramLabel = "TEST", required = true, description = "Labelled held-out test data.")
    Path test;

    @Option(names = "--report", paramLabel = "DIR", required = true, description = "Output folder.")
    Path report;

    /** Fails: these runs need the classify module, which the lead wires in. */
    static UnsupportedOperationException notWired(String command) {
        return new UnsupportedOperationException("eval " + command + " is not available in this build yet");
    }
}
