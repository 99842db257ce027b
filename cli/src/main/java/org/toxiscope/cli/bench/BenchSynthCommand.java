package org.toxiscope.cli.bench;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.Devices;
import org.toxiscope.features.model.Generator;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Qwen3Model;
import org.toxiscope.features.model.RandomWeights;
import org.toxiscope.features.model.Sampling;
import org.toxiscope.features.model.Steering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Generated tokens/s of batched steered generation (KV cache) on a random-weight model of a real Qwen3 shape. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Steered generation throughput (generated tokens/s) at batch 1 and --batch, greedy and sampled, "
                + "on random weights of a real shape (default Qwen3-0.6B: 28 layers, hidden 1024, MLP 3072).",
        footer = {"", "Example:", "  toxiscope bench synth --batch 8 --new-tokens 16"})
final class BenchSynthCommand implements Callable<Integer> {

    @Mixin
    Qwen3ShapeOptions shape;

    @Option(names = "--batch", defaultValue = "8", description = "The batched run's size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--prompt-tokens", defaultValue = "16") int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "16", description = "Tokens generated per row (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--steer-layer", defaultValue = "14") int steerLayer;

    @Option(names = "--alpha", defaultValue = "20") float alpha;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]") String device;

    @Override
    public Integer call() {
        ModelConfig config = shape.config();
        System.out.printf("model: random Qwen3 shape, %d layers, hidden %d, MLP %d, vocab %d; steering at block %d, "
                + "alpha %.1f; %d-token prompts, %d new tokens, no EOS stop%n", shape.layers, shape.hidden,
                shape.intermediate, shape.vocab, steerLayer, alpha, promptTokens, newTokens);
        ai.djl.Device dev = Devices.parse(device);
        try (LanguageModel model = Qwen3Model.load(config, new RandomWeights(config), dev, ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager(dev)) {
            Random random = new Random(7);
            float[] direction = new float[shape.hidden];
            for (int i = 0; i < shape.hidden; i++) {
                direction[i] = (float) (alpha * random.nextGaussian() / Math.sqrt(shape.hidden));
            }
            Steering steering = new Steering(Map.of(Math.min(steerLayer, shape.layers - 1), direction), 0);
            Generator generator = new Generator(model);
            generator.generate(manager, RandomTokens.ids(1, promptTokens, shape.vocab, 1), 2, Sampling.GREEDY,
                    steering, false);
            for (Sampling sampling : new Sampling[] {Sampling.GREEDY, new Sampling(false, 0.8, 0, 0.95, 42)}) {
                for (int b : new int[] {1, batch}) {
                    int[][] prompts = RandomTokens.ids(b, promptTokens, shape.vocab, b);
                    // Without an EOS stop every row gets all its new tokens.
                    double seconds = Stopwatch.repeat(0, 1,
                            () -> generator.generate(manager, prompts, newTokens, sampling, steering, false)).mean();
                    long generated = (long) b * newTokens;
                    System.out.printf("%s, batch %d: %d tokens in %.2f s, %.1f generated tokens/s%n",
                            sampling.greedy() ? "greedy" : "sampled (T 0.8, top-p 0.95)", b, generated, seconds,
                            generated / seconds);
                }
            }
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        return 0;
    }
}
