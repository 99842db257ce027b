package org.toxiscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code toxiscope eval languages}: feature overlap between languages and cross-language transfer. */
@Command(name = "languages", mixinStandardHelpOptions = true,
        description = "Jaccard overlap of the top-K toxic features between every language pair per layer, and "
                + "features discovered in one language evaluated on the others. Not available in this build yet.",
        footer = {"", "Example:", "  toxiscope eval languages --model qwen3-0.6b --sae sae-res --layers all \\",
            "      --data train.jsonl --test test.jsonl --report languages"})
final class EvalLanguagesCommand implements Callable<Integer> {

    @Mixin
    EvalModelOptions options;

    @Override
    public Integer call() {
        throw EvalModelOptions.notWired("languages");
    }
}
