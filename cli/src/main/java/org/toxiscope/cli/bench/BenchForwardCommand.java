package org.toxiscope.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.Callable;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Qwen3Model;
import org.toxiscope.features.model.RandomWeights;
import org.toxiscope.features.model.Steering;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prefill and decode throughput of a random-weight model of a real Qwen3 shape, with the process's matmul speed and peak RSS. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Prefill tokens/s, decode tokens/s, f32 matmul GFLOP/s and peak RSS on random weights of a real "
                + "shape (default Qwen3-0.6B: 28 layers, hidden 1024, 16/8 heads, head_dim 128, MLP 3072).",
        footer = {"", "Example:", "  toxiscope bench forward --batch 4 --seq 128 --decode-steps 16"})
final class BenchForwardCommand implements Callable<Integer> {

    @Mixin
    Qwen3ShapeOptions shape;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per prefill batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--decode-steps", defaultValue = "16") int decodeSteps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed prefill repeats after one warm-up.")
    int repeats;

    @Override
    public Integer call() {
        ModelConfig config = shape.config();
        System.out.printf("model: random Qwen3 shape, %d layers, hidden %d, heads %d/%d, head_dim %d, MLP %d, vocab %d%n",
                shape.layers, shape.hidden, shape.heads, shape.kvHeads, shape.headDim, shape.intermediate,
                shape.vocab);
        System.out.printf("threads: %d available processors%n", Runtime.getRuntime().availableProcessors());
        System.out.printf("f32 matmul 1024x1024: %.1f GFLOP/s%n", matmulGflops());
        Stopwatch load = Stopwatch.start();
        try (LanguageModel model = Qwen3Model.load(config, new RandomWeights(config), ai.djl.Device.cpu(), ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager()) {
            System.out.printf("load (random init): %.1f s%n", load.seconds());
            int[][] prompts = RandomTokens.ids(batch, seq, shape.vocab, 7);
            double prefillSeconds = Stopwatch.repeat(1, repeats, () -> prefill(model, manager, prompts)).mean();
            System.out.printf("prefill: batch %d x %d tokens: %.3f s/batch, %.0f tokens/s%n", batch, seq,
                    prefillSeconds, batch * seq / prefillSeconds);
            for (int b : new int[] {1, batch}) {
                double perStep = decode(model, manager, RandomTokens.ids(b, seq, shape.vocab, 7));
                System.out.printf("decode: batch %d after %d-token prompts: %.1f ms/step, %.1f tokens/s%n", b, seq,
                        perStep * 1e3, b / perStep);
            }
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
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
            int[][] next = RandomTokens.ids(prompts.length, 1, shape.vocab, 7);
            return Stopwatch.repeat(1, decodeSteps, () -> {
                try (NDManager local = step.newSubManager()) {
                    model.forward(local, next, state, ForwardOptions.logitsOnly(Steering.NONE)).lastLogits()
                            .toFloatArray();
                }
            }).mean();
        }
    }

    private static double matmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
            NDArray b = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
            double seconds = Stopwatch.repeat(1, 10, () -> {
                try (NDArray c = a.matMul(b)) {
                    c.toFloatArray();
                }
            }).mean();
            return 2.0 * 1024 * 1024 * 1024 / seconds / 1e9;
        }
    }
}
