package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.DeltaTable;
import org.toxiscope.classify.FeatureTables;
import org.toxiscope.classify.FiringCounts;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.datasets.Sampling;
import org.toxiscope.datasets.TextRecord;
import org.toxiscope.features.extract.FeatureSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope discover}: the report's toxic-bias table (delta per feature and layer) and top1-diff per layer. */
@Command(name = "discover", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the SAE features that mean 'toxic' (Qwen-Scope report, section 5): per layer and feature, "
                + "delta = P(fires | toxic) - P(fires | clean), where a feature fires on a text when its max "
                + "activation over tokens is > 0. Writes every feature that fires (CSV columns layer,feature,"
                + "toxic_rate,clean_rate,delta,rank; or JSON when OUT ends in .json, with top1_diff per layer) "
                + "and prints top1-diff per layer, starring the layer the report would choose."},
        footer = {"", "Example:",
            "  toxiscope discover --model Qwen/Qwen3-1.7B-Base --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 \\",
            "      --layers all --data train.jsonl --output delta.csv"})
final class DiscoverCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SaeOptions sae;

    @Option(names = "--data", required = true, paramLabel = "TRAIN", description = "Labelled discovery data.")
    List<String> data;

    @Mixin
    DatasetOptions columns;

    @Mixin
    FeatureOptions features;

    @Option(names = "--discovery-fraction", paramLabel = "F", defaultValue = "1.0",
            description = "Use this fraction of each (language, label) stratum, chosen with --seed (default 1.0).")
    double discoveryFraction;

    @Option(names = "--label", paramLabel = "COL", description = "Which label column to discover for (default: the first).")
    String label;

    @Option(names = "--output", required = true, paramLabel = "delta.csv", description = "The delta table (.csv or .json).")
    Path output;

    @Option(names = "--chunk", defaultValue = "" + CorpusPass.DEFAULT_CHUNK, hidden = true)
    int chunk;

    @Override
    public Integer call() throws Exception {
        var corpus = columns.corpus(data);
        if (discoveryFraction < 1.0) {
            corpus = corpus.sample(Sampling.fraction(discoveryFraction, columns.seed));
        }
        DeltaTable table;
        try (FeatureSession session = Sessions.open("discover", model, sae, features);
             RecordStream records = corpus.read()) {
            int[] layers = session.saes().keySet().stream().mapToInt(Integer::intValue).toArray();
            FiringCounts counts = new FiringCounts(layers);
            String[] labelName = {label};
            CorpusPass.of("discover", session, CorpusPass.Need.POOLED).chunk(chunk).run(records, c -> {
                for (int i = 0; i < c.records().size(); i++) {
                    TextRecord r = c.records().get(i);
                    if (labelName[0] == null) {
                        labelName[0] = r.labels().keySet().stream().findFirst().orElseThrow(() ->
                                new IllegalArgumentException(r.file() + ": no label column (pass --label-column)"));
                    }
                    Boolean toxic = r.labels().get(labelName[0]);
                    if (toxic == null) {
                        throw new IllegalArgumentException(r.file() + ":" + r.line() + ": no value for label '"
                                + labelName[0] + "'");
                    }
                    counts.add(toxic, FeatureTables.byLayer(c.pooled().get(i), layers));
                }
            });
            if (counts.toxicCount() + counts.cleanCount() == 0) {
                throw new IllegalArgumentException(data + ": no records");
            }
            table = counts.deltas(labelName[0]);
        }
        if (output.getFileName().toString().endsWith(".json")) {
            table.writeJson(output);
        } else {
            table.writeCsv(output);
        }
        int best = table.bestLayer();
        System.out.println("layer\ttop1_diff");
        for (int layer : table.layers()) {
            System.out.printf("%d\t%.4f%s%n", layer, table.top1Diff(layer), layer == best ? "\t*" : "");
        }
        System.err.println("discover: wrote " + output);
        return 0;
    }
}
