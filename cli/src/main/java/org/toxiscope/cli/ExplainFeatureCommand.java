package org.toxiscope.cli;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.synthesize.FeatureExplanation;
import org.toxiscope.synthesize.SynthesisRun;
import org.toxiscope.synthesize.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope explain-feature}: a feature's token signature (logit lens) and its top-activating contexts. */
@Command(name = "explain-feature", mixinStandardHelpOptions = true,
        description = {"Explains SAE features: the token signature (top tokens of the unembedding applied to the "
                + "decoder direction W_dec[:, f], i.e. the logit lens) and, with --corpus, the top-activating "
                + "contexts (snippets with the firing token marked [[...]])."},
        footer = {"", "Example:",
            "  toxiscope explain-feature --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 --feature 2311 \\",
            "      --corpus train.jsonl --json"})
final class ExplainFeatureCommand implements Callable<Integer> {

    @Mixin
    SynthModelOptions modelOptions;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--layer", required = true, paramLabel = "L", description = "The SAE layer.")
    int layer;

    @Option(names = "--feature", required = true, split = ",", paramLabel = "F[,F..]", description = "Feature index(es).")
    List<Integer> features;

    @Option(names = "--corpus", split = ",", paramLabel = "DATA", description = "Corpus to find top-activating contexts in.")
    List<String> corpus = new ArrayList<>();

    @Option(names = "--contexts", defaultValue = "5", paramLabel = "N", description = "Contexts per feature (default ${DEFAULT-VALUE}).")
    int contexts;

    @Option(names = "--tokens", defaultValue = "10", paramLabel = "N", description = "Signature tokens (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Target> targets = new ArrayList<>();
        for (int f : features) {
            targets.add(new Target(new FeatureRef(layer, f), Double.NaN, "explain-feature"));
        }
        List<FeatureExplanation> explanations = SynthesisRun.explain(modelOptions.choice(), targets,
                corpus.isEmpty() ? null : dataset.texts(corpus), contexts, tokens);
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                    .setFieldNamingPolicy(com.google.gson.FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create()
                    .toJson(explanations));
            return 0;
        }
        for (FeatureExplanation e : explanations) {
            System.out.printf("L%d:f%d%n  token signature (logit lens):%n", e.layer(), e.feature());
            for (FeatureExplanation.TokenScore t : e.tokens()) {
                System.out.printf(Locale.ROOT, "    %8.3f  %s%n", t.score(), quote(t.token()));
            }
            if (!corpus.isEmpty()) {
                System.out.printf("  top contexts:%n");
                if (e.contexts().isEmpty()) {
                    System.out.printf("    (the feature fires on no example of the corpus)%n");
                }
                for (FeatureExplanation.Context c : e.contexts()) {
                    System.out.printf(Locale.ROOT, "    %8.3f  %s  %s%n", c.activation(), c.id(), quote(c.snippet()));
                }
            }
        }
        return 0;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
