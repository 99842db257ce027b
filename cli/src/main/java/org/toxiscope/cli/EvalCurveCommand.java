package org.toxiscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope eval curve}: data-efficiency curve, F1 per training fraction as a share of the full-data F1. */
@Command(name = "curve", mixinStandardHelpOptions = true,
        description = "Data-efficiency curve: trains on fractions of the discovery data (several seeds) and reports "
                + "F1 per fraction as a share of the full-data F1. Not available in this build yet.",
        footer = {"", "Example:", "  toxiscope eval curve --model qwen3-0.6b --sae sae-res --layers all \\",
            "      --data train.jsonl --test test.jsonl --method rule --report curve"})
final class EvalCurveCommand implements Callable<Integer> {

    @Mixin
    EvalModelOptions options;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "rule",
            description = "Classifier method trained at each fraction (default: ${DEFAULT-VALUE}).")
    String method;

    @Override
    public Integer call() {
        throw EvalModelOptions.notWired("curve");
    }
}
