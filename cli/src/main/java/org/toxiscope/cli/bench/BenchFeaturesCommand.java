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
import org.toxiscope.features.model.Devices;
import org.toxiscope.features.model.ForwardOptions;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.Qwen3Model;
import org.toxiscope.features.model.RandomWeights;
import org.toxiscope.features.model.Steering;
import org.toxiscope.features.sae.TopKSae;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Speed of {@code features} at one layer (early exit + SAE encode + pooling) against a full forward of the same texts,
 * on random weights of the Qwen3-0.6B shape and a random top-k SAE.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Texts/s and tokens/s of feature extraction at --layer (the model stops after that block, "
                + "then a random SAE of --width-factor x hidden features, top --k) against a full forward "
                + "(all blocks + next-token logits) of the same batches, on random Qwen3-0.6B weights "
                + "(28 layers, hidden 1024). Early exit should make layer L cost about (L+1)/28 of a full pass."},
        footer = {"", "Examples:", "  toxiscope bench features --layer 13 --texts 64 --tokens 64",
            "  toxiscope bench features --features-only --layer 3 --texts 1 --tokens 32768 --repeats 1"})
final class BenchFeaturesCommand implements Callable<Integer> {

    private static final ModelConfig QWEN3_0_6B = Qwen3ShapeOptions.QWEN3_0_6B;

    @Option(names = "--layer", defaultValue = "13", description = "SAE layer, 0..27 (default ${DEFAULT-VALUE}).")
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
            description = "Load blocks 0..--layer only and time --repeats feature passes with no warm-up and no "
                    + "forward comparison: seconds and peak RSS of long texts.")
    boolean featuresOnly;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]", description = "Where to run.")
    String device;

    @Override
    public Integer call() {
        int n = QWEN3_0_6B.numLayers();
        if (layer < 0 || layer >= n) {
            throw new IllegalArgumentException("--layer must be in 0.." + (n - 1) + ", got " + layer);
        }
        if (texts < 1 || tokens < 1 || maxBatch < 1 || repeats < 1 || k < 1 || widthFactor < 1) {
            throw new IllegalArgumentException("--texts, --tokens, --max-batch, --repeats, --k and --width-factor "
                    + "must be >= 1");
        }
        Device dev = Devices.parse(device);
        int dSae = widthFactor * QWEN3_0_6B.hiddenSize();
        System.out.printf("model: random Qwen3-0.6B shape (%d layers, hidden %d) on %s; SAE: random, width %d, k %d, "
                + "layer %d%n", n, QWEN3_0_6B.hiddenSize(), dev, dSae, k, layer);
        System.out.printf("input: %d texts x %d tokens, batches of %d%n", texts, tokens, maxBatch);
        int[][] ids = RandomTokens.ids(texts, tokens, QWEN3_0_6B.vocabSize(), 7);
        boolean[] cut = new boolean[texts];
        SessionSpec settings = SessionSpec.of("random", "random", List.of(layer))
                .withExtraction(Pooling.MAX, 0, maxBatch * tokens, maxBatch);
        try (LanguageModel model = Qwen3Model.load(QWEN3_0_6B, new RandomWeights(QWEN3_0_6B), dev, ComputeDtype.F32,
                featuresOnly ? layer : -1);
             NDManager manager = NDManager.newBaseManager(dev);
             TopKSae sae = TopKSae.random(QWEN3_0_6B.hiddenSize(), dSae, k, layer, manager)) {
            // Token ids are given directly, so the extractor never needs a tokenizer.
            FeatureExtractor extractor = new FeatureExtractor(model, null, Map.of(layer, sae), settings, false);
            double features = Stopwatch.repeat(featuresOnly ? 0 : 1, repeats, () -> {
                try (NDManager pass = manager.newSubManager()) {
                    extractor.extractTokens(pass, ids, cut);
                }
            }).mean();
            long total = (long) texts * tokens;
            if (featuresOnly) {
                System.out.printf("features at layer %d (blocks 0..%d loaded): %.3f s/pass, %.0f tokens/s%n", layer,
                        layer, features, total / features);
                System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
                return 0;
            }
            double partial = Stopwatch.repeat(1, repeats,
                    () -> forward(model, manager, ids, ForwardOptions.residuals(Set.of(layer)))).mean();
            double full = Stopwatch.repeat(1, repeats,
                    () -> forward(model, manager, ids, ForwardOptions.logitsOnly(Steering.NONE))).mean();
            System.out.printf("features at layer %d: %.3f s/pass, %.1f texts/s (feature vectors), %.0f tokens/s%n",
                    layer, features, texts / features, total / features);
            System.out.printf("forward to block %d only (no SAE): %.3f s/pass, %.0f tokens/s%n", layer, partial,
                    total / partial);
            System.out.printf("full forward (%d blocks + logits): %.3f s/pass, %.0f tokens/s%n", n, full, total / full);
            System.out.printf("ratio features / full forward time: %.3f (expected from early exit (L+1)/n = %d/%d = "
                    + "%.3f; forward-only ratio %.3f; SAE encode + pooling %.1f%% of features time)%n",
                    features / full, layer + 1, n, (layer + 1) / (double) n, partial / full,
                    100 * Math.max(0, features - partial) / features);
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        return 0;
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
