package org.toxiscope.cli.bench;

import ai.djl.ndarray.NDManager;
import java.util.concurrent.Callable;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Steering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prefill and decode throughput of a random-weight model of a real shape, with the process's matmul peaks and peak RSS. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Prefill tokens/s, decode tokens/s, their GFLOP/s beside the f32 and bf16 matmul peaks, and peak "
                + "RSS on random weights of a real shape (default qwen3-0.6b: 28 layers, hidden 1024, 16/8 heads, "
                + "head_dim 128, MLP 3072).",
        footer = {"", "Example:", "  toxiscope bench forward --batch 4 --seq 128 --decode-steps 16 --dtype bf16"})
final class BenchForwardCommand implements Callable<Integer> {

    @Mixin
    BenchModelOptions options;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per prefill batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--decode-steps", defaultValue = "16") int decodeSteps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed prefill repeats after one warm-up.")
    int repeats;

    @Override
    public Integer call() {
        if (batch < 1 || seq < 1 || decodeSteps < 1 || repeats < 1) {
            throw new IllegalArgumentException("--batch, --seq, --decode-steps and --repeats must be >= 1");
        }
        BenchShape shape = options.shape(BenchShape.QWEN3_0_6B);
        ModelConfig config = options.config(shape);
        System.out.printf("model: random %s shape, %d layers, hidden %d, heads %d/%d, head_dim %d, MLP %d, vocab %d%n",
                shape.title(), config.numLayers(), config.hiddenSize(), config.numHeads(), config.numKvHeads(),
                config.headDim(), config.intermediateSize(), config.vocabSize());
        options.printRuntime();
        Stopwatch load = Stopwatch.start();
        try (LanguageModel model = options.load(config, -1);
             NDManager manager = NDManager.newBaseManager(options.device())) {
            System.out.printf("load (random init): %.1f s%n", load.seconds());
            int[][] prompts = RandomTokens.ids(batch, seq, config.vocabSize(), 7);
            double prefillSeconds = Stopwatch.repeat(1, repeats, () -> prefill(model, manager, prompts)).mean();
            System.out.printf("prefill: batch %d x %d tokens: %.3f s/batch, %.0f tokens/s, %s%n", batch, seq,
                    prefillSeconds, batch * seq / prefillSeconds, options.rate("prefill",
                            ForwardCost.flops(config, config.numLayers(), batch, 0, seq, true), prefillSeconds));
            for (int b : new int[] {1, batch}) {
                double perStep = decode(model, manager, RandomTokens.ids(b, seq, config.vocabSize(), 7));
                // The timed steps follow seq + 1 .. seq + decodeSteps cached positions: count the middle one.
                double flops = ForwardCost.flops(config, config.numLayers(), b, seq + 1 + (decodeSteps - 1) / 2, 1,
                        true);
                System.out.printf("decode: batch %d after %d-token prompts: %.1f ms/step, %.1f tokens/s, %s%n", b,
                        seq, perStep * 1e3, b / perStep, options.rate("decode batch " + b, flops, perStep));
            }
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        options.printCompute();
        return 0;
    }

    private static void prefill(LanguageModel model, NDManager manager, int[][] prompts) {
        try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, prompts.length)) {
            model.forward(step, prompts, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().toFloatArray();
        }
    }

    /** Mean seconds per decode step after a prefill of {@code prompts}, the first step untimed. */
    private double decode(LanguageModel model, NDManager manager, int[][] prompts) {
        try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, prompts.length)) {
            model.forward(step, prompts, state, ForwardOptions.logitsOnly(Steering.NONE));
            int[][] next = RandomTokens.ids(prompts.length, 1, model.config().vocabSize(), 7);
            return Stopwatch.repeat(1, decodeSteps, () -> {
                try (NDManager local = step.newSubManager()) {
                    model.forward(local, next, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits()
                            .toFloatArray();
                }
            }).mean();
        }
    }
}
