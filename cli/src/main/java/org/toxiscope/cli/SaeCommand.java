package org.toxiscope.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code toxiscope sae ...}: inspect how an SAE behaves on a model and corpus. */
@Command(name = "sae", mixinStandardHelpOptions = true,
        description = "SAE diagnostics on a model's residual stream.",
        subcommands = {SaeStatsCommand.class},
        footer = {"", "Example:",
            "  toxiscope sae stats --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 --input texts.jsonl"})
final class SaeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
