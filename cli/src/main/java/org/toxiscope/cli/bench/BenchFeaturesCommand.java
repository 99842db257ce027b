package org.toxiscope.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.toxiscope.features.extract.FeatureExtractor;
import org.toxiscope.features.extract.Pooling;
import org.toxiscope.features.extract.SessionSpec;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.DecodeState;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Steering;
import org.toxiscope.features.sae.TopKSae;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Speed and memory of {@code features} at one layer (early exit + SAE encode + pooling) against a full forward of the
 * same texts, on random weights of a real shape (default Qwen3-0.6B) and a random top-k SAE.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Texts/s, tokens/s and GFLOP/s of feature extraction at --layer (blocks 0..--layer loaded, "
                + "then a random SAE of --width-factor x hidden features, top --k) and its peak RSS, then, with a "
                + "model of all blocks loaded after it, a full forward (all blocks + next-token logits) of the same "
                + "batches, on random weights of --shape (default qwen3-0.6b). Early exit should make layer L cost "
                + "about (L+1)/n of a full pass."},
        footer = {"", "Examples:", "  toxiscope bench features --layer 13 --texts 64 --tokens 64 --dtype bf16",
            "  toxiscope bench features --shape qwen3-8b --layer 30 --texts 8 --tokens 64 --features-only",
            "  toxiscope bench features --features-only --layer 3 --texts 1 --tokens 32768 --repeats 1"})
final class BenchFeaturesCommand implements Callable<Integer> {

    private static final long GIB = 1L << 30;

    @Mixin
    BenchModelOptions options;

    @Option(names = "--layer", defaultValue = "13", description = "SAE layer (default ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--texts", defaultValue = "64", description = "Texts per pass (default ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--tokens", defaultValue = "64", description = "Tokens per text (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--width-factor", defaultValue = "16",
            description = "SAE width as a multiple of the hidden size (default ${DEFAULT-VALUE}).")
    int widthFactor;

    @Option(names = "--k", defaultValue = "50", description = "SAE top-k (default ${DEFAULT-VALUE}).")
    int k;

    // Peak memory is the weights plus one block's temporaries for the batch (attention scores grow with tokens^2).
    @Option(names = "--max-batch", defaultValue = "8",
            description = "Texts per forward batch (default ${DEFAULT-VALUE}; peak memory grows with texts x tokens).")
    int maxBatch;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed passes of each kind after one warm-up.")
    int repeats;

    // Long texts: one pass takes minutes, so the comparison with a full forward and the warm-up are skipped.
    @Option(names = "--features-only",
            description = "Time --repeats feature passes with no warm-up and no forward comparison (no model of all "
                    + "blocks is loaded): seconds and peak RSS of long texts or large shapes.")
    boolean featuresOnly;

    @Override
    public Integer call() {
        ModelConfig config = options.config(options.shape(BenchShape.QWEN3_0_6B));
        int n = config.numLayers();
        if (layer < 0 || layer >= n) {
            throw new IllegalArgumentException("--layer must be in 0.." + (n - 1) + ", got " + layer);
        }
        if (texts < 1 || tokens < 1 || maxBatch < 1 || repeats < 1 || k < 1 || widthFactor < 1) {
            throw new IllegalArgumentException("--texts, --tokens, --max-batch, --repeats, --k and --width-factor "
                    + "must be >= 1");
        }
        Device dev = options.device();
        options.printRuntime();
        int hidden = config.hiddenSize();
        int dSae = widthFactor * hidden;
        System.out.printf("model: random %s shape (%d layers, hidden %d) on %s in %s; SAE: random, width %d, k %d, "
                + "layer %d%n", options.shape(BenchShape.QWEN3_0_6B).title(), n, hidden, dev,
                options.dtype().id(), dSae, k, layer);
        System.out.printf("input: %d texts x %d tokens, batches of %d%n", texts, tokens, maxBatch);
        int[][] ids = RandomTokens.ids(texts, tokens, config.vocabSize(), 7);
        boolean[] cut = new boolean[texts];
        SessionSpec settings = SessionSpec.of("random", "random", List.of(layer))
                .withExtraction(Pooling.MAX, 0, maxBatch * tokens, maxBatch).withDtype(options.dtype().id());
        long total = (long) texts * tokens;
        double forwardFlops = ForwardCost.flops(config, layer + 1, texts, 0, tokens, false);
        double saeFlops = 2.0 * hidden * dSae * total;
        double features;
        double partial = 0;
        Stopwatch load = Stopwatch.start();
        try (LanguageModel model = options.load(config, layer);
             NDManager manager = NDManager.newBaseManager(dev);
             TopKSae sae = TopKSae.random(hidden, dSae, k, layer, options.dtype(), manager)) {
            System.out.printf("load (random init, blocks 0..%d + SAE): %.1f s%n", layer, load.seconds());
            // Token ids are given directly, so the extractor never needs a tokenizer.
            FeatureExtractor extractor = new FeatureExtractor(model, null, Map.of(layer, sae), settings, false);
            Stopwatch.Times passes = Stopwatch.repeat(featuresOnly ? 0 : 1, repeats, () -> {
                try (NDManager pass = manager.newSubManager()) {
                    extractor.extractTokens(pass, ids, cut);
                }
            });
            features = passes.mean();
            System.out.printf("features at layer %d: %.3f s/pass, %.1f texts/s (feature vectors), %.0f tokens/s "
                    + "(best pass %.0f), %s%n", layer, features, texts / features, total / features,
                    total / passes.min(), options.rate("features", forwardFlops + saeFlops, features));
            if (!featuresOnly) {
                partial = Stopwatch.repeat(1, repeats,
                        () -> forward(model, manager, ids, ForwardOptions.residuals(Set.of(layer)))).mean();
                System.out.printf("forward to block %d only (no SAE): %.3f s/pass, %.0f tokens/s, %s%n", layer,
                        partial, total / partial, options.rate("forward to L", forwardFlops, partial));
            }
        }
        printPeak(config, 2L * hidden * dSae + dSae + hidden);
        if (featuresOnly) {
            options.printCompute();
            return 0;
        }
        MemoryStats.resetPeak();
        try (LanguageModel model = options.load(config, -1);
             NDManager manager = NDManager.newBaseManager(dev)) {
            double full = Stopwatch.repeat(1, repeats,
                    () -> forward(model, manager, ids, ForwardOptions.logitsOnly(Steering.NONE))).mean();
            System.out.printf("full forward (%d blocks + logits): %.3f s/pass, %.0f tokens/s, %s%n", n, full,
                    total / full, options.rate("full forward",
                    ForwardCost.flops(config, n, texts, 0, tokens, true), full));
            System.out.printf("ratio features / full forward time: %.3f (expected from early exit (L+1)/n = %d/%d = "
                    + "%.3f; forward-only ratio %.3f; SAE encode + pooling %.1f%% of features time)%n",
                    features / full, layer + 1, n, (layer + 1) / (double) n, partial / full,
                    100 * Math.max(0, features - partial) / features);
        }
        System.out.printf("peak RSS (full forward, since the features' peak): %d MiB%n", MemoryStats.peakRssMiB());
        options.printCompute();
        return 0;
    }

    /**
     * Prints the peak RSS of the features phase; in bf16 beside the bound of the runtime's contract: 1.15 x the bf16
     * bytes of the embeddings, blocks 0..layer and the SAE (its {@code saeElements}), plus 1 GiB.
     */
    private void printPeak(ModelConfig config, long saeElements) {
        long peak = MemoryStats.peakRssMiB();
        if (options.dtype() != ComputeDtype.BF16) {
            System.out.printf("peak RSS (features): %d MiB%n", peak);
            return;
        }
        long weights = ForwardCost.weightBytes(config, layer + 1, false, ComputeDtype.BF16)
                + saeElements * ComputeDtype.BF16.bytes();
        long bound = (long) (1.15 * weights + GIB) >> 20;
        System.out.printf("peak RSS (features): %d MiB; bf16 bytes of embeddings + blocks 0..%d + SAE %d MiB, bound "
                + "1.15 x that + 1 GiB = %d MiB: %s%n", peak, layer, weights >> 20, bound,
                peak <= bound ? "within" : "OVER");
    }

    private void forward(LanguageModel model, NDManager manager, int[][] ids, ForwardOptions options) {
        for (int from = 0; from < ids.length; from += maxBatch) {
            int[][] batch = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + maxBatch));
            try (NDManager step = manager.newSubManager(); DecodeState state = model.newState(step, batch.length)) {
                var result = model.forward(step, batch, state, options);
                // Reading one value forces the lazy engine to finish the pass before the clock stops.
                if (options.logits()) {
                    result.lastLogits().get(0, 0).getFloat();
                } else {
                    result.residuals().get(layer).get(0, 0, 0).getFloat();
                }
            }
        }
    }
}
