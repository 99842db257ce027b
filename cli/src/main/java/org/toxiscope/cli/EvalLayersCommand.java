package org.toxiscope.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.eval.EvalReport;
import org.toxiscope.eval.LayerStudy;
import org.toxiscope.eval.StudyInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope eval layers}: layer-wise held-out F1 and the gain of multi-layer composition. */
@Command(name = "layers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Layer-wise held-out F1 (report Fig. 8/10) and multi-layer composition (Fig. 11).",
            "Features are extracted once for every --layers layer of TRAIN and TEST (through the feature cache) and "
                + "discovered on all of TRAIN. For each layer and K in --top-features, the rule over that layer's "
                + "top-K features is scored on TEST; the best layer per K is starred and the layer with the largest "
                + "top1-diff (the report's choice without evaluation) is marked. Composition m = 2..--max-compose "
                + "ORs the top-1 feature of the m layers with the highest top1-diff; its F1 per language is compared "
                + "with the best single layer's top-1 rule for that language.",
            "Writes DIR/report.json (every number, provenance), DIR/per_language.csv and DIR/index.html."},
        footer = {"", "Example:", "  toxiscope eval layers --model qwen3-0.6b --sae sae-res --layers all \\",
            "      --data train.jsonl --test test.jsonl --report layers"})
final class EvalLayersCommand implements Callable<Integer> {

    @Mixin
    EvalModelOptions options;

    @Option(names = "--top-features", paramLabel = "K,K,..", split = ",", defaultValue = "1,2,5,10",
            description = "The K values, features per layer in the rule (default: ${DEFAULT-VALUE}).")
    int[] ks;

    @Option(names = "--max-compose", paramLabel = "M", defaultValue = "5",
            description = "Compose up to M layers (default: ${DEFAULT-VALUE}; fewer when fewer layers are given).")
    int maxCompose;

    @Override
    public Integer call() throws Exception {
        StudyInputs loaded = options.load("layers");
        LayerStudy s = LayerStudy.run(loaded.data(), ks, maxCompose);
        EvalReport out = options.report("toxiscope eval layers", loaded, s.summary(), s.headline());
        out.addSection("Held-out F1 per layer (Fig. 8/10)", "Rule over the top-K features of one layer, discovered on "
                + "the discovery data and scored on the test data. \u2605 best layer per K; dashed: the layer with the "
                + "largest top1-diff.", s.layerChart(), s.top1DiffChart());
        if (s.composeM().length > 0) {
            out.addSection("Multi-layer composition (Fig. 11)", "Top-1 feature of each of the m layers with the "
                    + "highest top1-diff, ORed, against the best single layer's top-1 rule per language (chosen on "
                    + "the test data).", s.compositionGainChart(), s.compositionF1Chart());
        } else {
            System.err.println("eval layers: one layer only, no multi-layer composition");
        }
        options.write("layers", out);
        StringBuilder header = new StringBuilder("layer\ttop1_diff");
        for (int k : s.ks()) {
            header.append("\tF1_K=").append(k);
        }
        System.out.println(header);
        int[] layers = s.layers();
        double[][] f1 = s.f1();
        for (int li = 0; li < layers.length; li++) {
            StringBuilder row = new StringBuilder().append(layers[li]).append('\t')
                    .append(EvalModelOptions.fmt(s.deltas().top1Diff(layers[li])));
            for (double[] byLayer : f1) {
                row.append('\t').append(EvalModelOptions.fmt(byLayer[li]));
            }
            System.out.println(row.append(layers[li] == s.top1DiffLayer() ? "\t(top1-diff choice)" : ""));
        }
        List<String> cats = s.categories();
        double[] best = s.bestSingleF1();
        double[][] composed = s.composedF1();
        for (int i = 0; i < s.composeM().length; i++) {
            for (int c = 0; c < cats.size(); c++) {
                System.out.printf("compose m=%d %s: F1 %s (best single layer %s)%n", s.composeM()[i], cats.get(c),
                        EvalModelOptions.fmt(composed[i][c]), EvalModelOptions.fmt(best[c]));
            }
        }
        return 0;
    }
}
