package org.toxiscope.cli.bench;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Steering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prefill and decode tokens/s of a random-weight Qwen3.5-2B-shaped hybrid model against a Qwen3-1.7B-shaped
 * transformer, in one run (loaded one after the other, each closed before the next).
 */
@Command(name = "qwen35", mixinStandardHelpOptions = true,
        description = "Prefill and decode tokens/s and GFLOP/s on random weights of the Qwen3-1.7B shape (28 layers, "
                + "hidden 2048, 16/8 heads of 128, MLP 6144, vocab 151936) and of the Qwen3.5-2B shape (24 layers, "
                + "3 Gated DeltaNet to 1 gated attention, hidden 2048, 8/2 heads of 256, linear 16/16 heads of 128, "
                + "MLP 6144, vocab 248320), one after the other; --shape runs one shape only. --layers cuts the "
                + "models to fewer blocks (same pattern) to save memory.",
        footer = {"", "Speed depends on torch's thread count (set it with TOXISCOPE_JAVA_OPTS=-Dai.djl.pytorch.num_threads=N)",
            "and on other load on the machine: best-of figures are the least disturbed.", "",
            "Example:", "  toxiscope bench qwen35 --batch 1 --seq 256 --decode-steps 16 --dtype bf16",
            "  toxiscope bench qwen35 --layers 8 --seq 128"})
final class BenchQwen35Command implements Callable<Integer> {

    @Mixin
    BenchModelOptions options;

    @Option(names = "--batch", defaultValue = "1", description = "Sequences per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "256",
            description = "Prompt tokens per sequence (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--decode-steps", defaultValue = "16",
            description = "Timed decode steps (default ${DEFAULT-VALUE}).")
    int decodeSteps;

    @Option(names = "--repeats", defaultValue = "2",
            description = "Timed prefills after one warm-up (default ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        if (batch < 1 || seq < 1 || decodeSteps < 1 || repeats < 1) {
            throw new IllegalArgumentException("--batch, --seq, --decode-steps and --repeats must be >= 1");
        }
        List<BenchShape> shapes = options.shapes(List.of(BenchShape.QWEN3_1_7B, BenchShape.QWEN3_5_2B));
        System.out.printf("batch %d, prompt %d tokens, %d decode steps%n", batch, seq, decodeSteps);
        options.printRuntime();
        for (BenchShape shape : shapes) {
            run(shape.title() + " shape", options.config(shape));
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        options.printCompute();
        return 0;
    }

    private void run(String name, ModelConfig config) {
        Stopwatch load = Stopwatch.start();
        try (LanguageModel model = options.load(config, -1);
             NDManager manager = NDManager.newBaseManager(options.device())) {
            System.out.printf("%s: %d layers, random init %.1f s%n", name, config.numLayers(), load.seconds());
            int[][] prompts = RandomTokens.ids(batch, seq, config.vocabSize(), 7);
            Stopwatch.Times prefill = Stopwatch.repeat(1, repeats, () -> prefill(model, manager, prompts));
            Stopwatch.Times steps = decode(model, manager, prompts, config.vocabSize());
            int n = config.numLayers();
            System.out.printf("  prefill: %.1f tokens/s best, %.1f mean (%.2f s best per %d x %d batch), best %s%n",
                    batch * seq / prefill.min(), batch * seq / prefill.mean(), prefill.min(), batch, seq,
                    options.rate(name + " prefill",
                            ForwardCost.flops(config, n, batch, 0, seq, true), prefill.min()));
            // The timed steps follow seq + 1 .. seq + decodeSteps cached positions: count the middle one.
            double stepFlops = ForwardCost.flops(config, n, batch, seq + 1 + (decodeSteps - 1) / 2, 1, true);
            System.out.printf("  decode:  %.2f tokens/s best, %.2f mean (%.0f ms best per step of %d sequences), "
                    + "best %s%n", batch / steps.min(), batch / steps.mean(), steps.min() * 1e3, batch,
                    options.rate(name + " decode", stepFlops, steps.min()));
        }
    }

    /** One prefill of {@code prompts} into a fresh state. */
    private static void prefill(LanguageModel model, NDManager manager, int[][] prompts) {
        try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, prompts.length)) {
            model.forward(step, prompts, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits().toFloatArray();
        }
    }

    /** Seconds of each decode step after a prefill of {@code prompts} (one untimed warm-up step). */
    private Stopwatch.Times decode(LanguageModel model, NDManager manager, int[][] prompts, int vocab) {
        try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, prompts.length)) {
            model.forward(step, prompts, state, ForwardOptions.logitsOnly(Steering.NONE));
            int[][] next = RandomTokens.ids(prompts.length, 1, vocab, 1);
            return Stopwatch.repeat(1, decodeSteps, () -> {
                try (NDManager local = step.newSubManager()) {
                    model.forward(local, next, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits()
                            .toFloatArray();
                }
            });
        }
    }
}
