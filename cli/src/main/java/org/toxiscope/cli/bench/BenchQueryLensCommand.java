package org.toxiscope.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.toxiscope.features.lens.LensFeature;
import org.toxiscope.features.lens.LensResult;
import org.toxiscope.features.lens.QueryLens;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelConfig;
import org.toxiscope.features.model.RandomWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Seconds per feature of the Query Lens (value and key sides, the full stream transition) on a random-weight model. */
@Command(name = "query-lens", mixinStandardHelpOptions = true,
        description = "Seconds per feature of explain-feature --query-lens on random weights of a real shape (default "
                + "Qwen3-0.6B) over random token ids (default 64 texts x 64 tokens), f32: the primal pass, each "
                + "later block's Jacobian-vector products (value side) and each earlier block's vector-Jacobian "
                + "products (key side), and the vocabulary readouts; then with --features N read together.",
        footer = {"", "Example:", "  toxiscope bench query-lens --texts 64 --tokens 64 --layer 14 --features 2"})
final class BenchQueryLensCommand implements Callable<Integer> {

    @Mixin
    BenchModelOptions model;

    @Option(names = "--texts", defaultValue = "64", description = "Texts in the sample (default ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--tokens", defaultValue = "64", description = "Tokens per text (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--layer", defaultValue = "14", description = "The features' SAE layer (default ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--features", defaultValue = "2",
            description = "Features read together in the second run (default ${DEFAULT-VALUE}).")
    int features;

    @Override
    public Integer call() {
        ModelConfig config = model.config(model.shape(BenchShape.QWEN3_0_6B));
        if (layer < 0 || layer >= config.numLayers() || texts < 1 || tokens < 1 || features < 1) {
            throw new IllegalArgumentException("--layer must be in 0.." + (config.numLayers() - 1)
                    + "; --texts, --tokens and --features must be >= 1");
        }
        Device dev = model.device();
        System.out.printf("model: random %s shape, %d layers, hidden %d, vocab %d; f32 on %s (the lens's dtype)%n",
                model.shape(BenchShape.QWEN3_0_6B).title(), config.numLayers(), config.hiddenSize(), config.vocabSize(), dev);
        System.out.printf("sample: %d texts x %d random tokens; features at layer %d (value side through %d later "
                + "blocks, key side through %d)%n", texts, tokens, layer, config.numLayers() - 1 - layer, layer + 1);
        Stopwatch load = Stopwatch.start();
        try (LanguageModel lm = LanguageModel.load(config, new RandomWeights(config), dev, ComputeDtype.F32, -1);
             NDManager manager = NDManager.newBaseManager(dev)) {
            System.out.printf("load (random init): %.1f s%n", load.seconds());
            int[][] ids = RandomTokens.ids(texts, tokens, config.vocabSize(), 7);
            double one = read(lm, manager, ids, 1);
            System.out.printf("query lens, 1 feature: %.2f s per feature%n", one);
            if (features > 1) {
                double many = read(lm, manager, ids, features);
                System.out.printf("query lens, %d features read together: %.2f s in all, %.2f s per feature%n",
                        features, many, many / features);
            }
        }
        System.out.printf("peak RSS: %d MiB%n", MemoryStats.peakRssMiB());
        return 0;
    }

    /** Seconds to read {@code n} random features over {@code ids} (the results fetched to the host). */
    private double read(LanguageModel lm, NDManager manager, int[][] ids, int n) {
        Random random = new Random(11);
        int hidden = lm.config().hiddenSize();
        List<LensFeature> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] d = new float[hidden];
            float[] e = new float[hidden];
            for (int j = 0; j < hidden; j++) {
                d[j] = (float) random.nextGaussian();
                e[j] = (float) (random.nextGaussian() / Math.sqrt(hidden));
            }
            list.add(new LensFeature(layer, d, e));
        }
        Stopwatch watch = Stopwatch.start();
        try (QueryLens lens = new QueryLens(lm.sublayers(), list, manager)) {
            lens.add(ids);
            for (int i = 0; i < n; i++) {
                LensResult r = lens.result(i);
                if (i == 0) {
                    System.out.printf("  %,d positions; value EV_mu %.3f rel_var %.3f; key EV_mu %.3f rel_var %.3f%n",
                            r.positions(), r.valueStats().evMu(), r.valueStats().relVar(), r.keyStats().evMu(),
                            r.keyStats().relVar());
                }
            }
        }
        return watch.seconds();
    }
}
