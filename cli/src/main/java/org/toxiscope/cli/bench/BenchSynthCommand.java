package org.toxiscope.cli.bench;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Generated tokens/s of batched steered generation (KV cache) on a random-weight model of a real shape. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Steered generation throughput (generated tokens/s and GFLOP/s) at batch 1 and --batch, greedy "
                + "and sampled, on random weights of a real shape (default qwen3-0.6b: 28 layers, hidden 1024, "
                + "MLP 3072).",
        footer = {"", "Example:", "  toxiscope bench synth --batch 8 --new-tokens 16 --dtype bf16"})
final class BenchSynthCommand implements Callable<Integer> {

    @Mixin
    BenchModelOptions options;

    @Option(names = "--batch", defaultValue = "8", description = "The batched run's size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--prompt-tokens", defaultValue = "16") int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "16", description = "Tokens generated per row (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--steer-layer", defaultValue = "14") int steerLayer;

    @Option(names = "--alpha", defaultValue = "20") float alpha;

    @Override
    public Integer call() {
        if (batch < 1 || promptTokens < 1 || newTokens < 1) {
            throw new IllegalArgumentException("--batch, --prompt-tokens and --new-tokens must be >= 1");
        }
        BenchShape shape = options.shape(BenchShape.QWEN3_0_6B);
        ModelConfig config = options.config(shape);
        int hidden = config.hiddenSize();
        int vocab = config.vocabSize();
        int steered = Math.min(steerLayer, config.numLayers() - 1);
        System.out.printf("model: random %s shape, %d layers, hidden %d, MLP %d, vocab %d; steering at block %d, "
                + "alpha %.1f; %d-token prompts, %d new tokens, no EOS stop%n", shape.title(), config.numLayers(),
                hidden, config.intermediateSize(), vocab, steered, alpha, promptTokens, newTokens);
        options.printRuntime();
        try (LanguageModel model = options.load(config, -1);
             NDManager manager = NDManager.newBaseManager(options.device())) {
            Random random = new Random(7);
            float[] direction = new float[hidden];
            for (int i = 0; i < hidden; i++) {
                direction[i] = (float) (alpha * random.nextGaussian() / Math.sqrt(hidden));
            }
            Steering steering = new Steering(Map.of(steered, direction), 0);
            Generator generator = new Generator(model);
            generator.generate(manager, RandomTokens.ids(1, promptTokens, vocab, 1), 2, Sampling.GREEDY,
                    steering, false);
            for (Sampling sampling : new Sampling[] {Sampling.GREEDY, new Sampling(false, 0.8, 0, 0.95, 42)}) {
                for (int b : new int[] {1, batch}) {
                    int[][] prompts = RandomTokens.ids(b, promptTokens, vocab, b);
                    // Without an EOS stop every row gets all its new tokens.
                    double seconds = Stopwatch.repeat(0, 1,
                            () -> generator.generate(manager, prompts, newTokens, sampling, steering, false)).mean();
                    long generated = (long) b * newTokens;
                    System.out.printf("%s, batch %d: %d tokens in %.2f s, %.1f generated tokens/s, %s%n",
                            sampling.greedy() ? "greedy" : "sampled (T 0.8, top-p 0.95)", b, generated, seconds,
                            generated / seconds, options.rate((sampling.greedy() ? "greedy" : "sampled")
                                    + " batch " + b, generationFlops(config, b), seconds));
                }
            }
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        options.printCompute();
        return 0;
    }

    /** The prompt's prefill, then one step per further new token, each with the logits of its last position. */
    private double generationFlops(ModelConfig config, int rows) {
        int n = config.numLayers();
        double flops = ForwardCost.flops(config, n, rows, 0, promptTokens, true);
        for (int s = 1; s < newTokens; s++) {
            flops += ForwardCost.flops(config, n, rows, promptTokens + s - 1, 1, true);
        }
        return flops;
    }
}
