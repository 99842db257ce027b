package org.toxiscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code toxiscope eval layers}: layer-wise held-out F1 and the gain of multi-layer composition. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "Layer-wise held-out F1 for K in {1,2,5,10} (best layer starred, top1-diff choice marked) "
                + "and the gain of multi-layer composition per language. Not available in this build yet.",
        footer = {"", "Example:", "  toxiscope eval layers --model qwen3-0.6b --sae sae-res --layers all \\",
            "      --data train.jsonl --test test.jsonl --report layers"})
final class EvalLayersCommand implements Callable<Integer> {

    @Mixin
    EvalModelOptions options;

    @Override
    public Integer call() {
        throw EvalModelOptions.notWired("layers");
    }
}
