package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.classify.ClassifierBundle;
import org.toxiscope.classify.FeatureRef;
import org.toxiscope.synthesize.Target;
import org.toxiscope.synthesize.TargetInventory;
import org.toxiscope.synthesize.dashboard.DashboardRun;
import org.toxiscope.synthesize.dashboard.DashboardSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope dashboard}: a static site with one Neuronpedia-style page per feature and an index of them. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Writes feature dashboards as a self-contained static site (HTML with inline SVG and CSS; no "
                + "script, no external reference): index.html lists the features (layer, id, density on the corpus, "
                + "top Query Lens tokens, the classifier's weight with --classifier), and each feature's page shows "
                + "its activation density, a histogram of per-text max activations, the top-activating contexts "
                + "with every token shaded by its activation, the logit lens, the Query Lens (value and key sides, "
                + "over the first --lens-texts texts) and steering previews (greedy continuations of --prefix at "
                + "each --alpha).",
            "The corpus is read in one pass for all features; the model runs in f32 (the Query Lens's dtype)."},
        footer = {"", "Example:",
            "  toxiscope dashboard --model Qwen/Qwen3-1.7B-Base \\",
            "      --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 --layer 14 --feature 2311,77 \\",
            "      --corpus train.jsonl --output dashboards/",
            "  toxiscope dashboard --classifier logreg.tsc --top-n 10 --corpus train.jsonl --output dashboards/"})
final class DashboardCommand implements Callable<Integer> {

    @Mixin
    SynthModelOptions modelOptions;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--layer", paramLabel = "L", description = "The SAE layer of --feature.")
    Integer layer;

    @Option(names = "--feature", split = ",", paramLabel = "F[,F..]", description = "Feature index(es) at --layer.")
    List<Integer> features = new ArrayList<>();

    @Option(names = "--classifier", paramLabel = "FILE",
            description = "Show a classifier bundle's features instead: every feature of a rule, or the --top-n "
                    + "largest positive weights of a linear model (with their weights); its model and SAE unless "
                    + "--model/--sae say where they now live.")
    Path classifier;

    @Option(names = "--top-n", defaultValue = "20", paramLabel = "N",
            description = "Features of a linear --classifier (default ${DEFAULT-VALUE}).")
    int topN;

    @Option(names = "--corpus", required = true, split = ",", paramLabel = "DATA",
            description = "The texts (files or folders) the dashboards are computed on.")
    List<String> corpus;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The site's folder.")
    Path output;

    @Option(names = "--overwrite", description = "Write into a folder that holds other files and is no dashboard "
            + "(only the dashboard's own files are replaced; nothing is deleted).")
    boolean overwrite;

    @Option(names = "--contexts", defaultValue = "10", paramLabel = "N",
            description = "Top-activating contexts per feature (default ${DEFAULT-VALUE}).")
    int contexts;

    @Option(names = "--tokens", defaultValue = "10", paramLabel = "N",
            description = "Tokens per logit-lens and Query Lens list (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--lens-texts", defaultValue = "64", paramLabel = "N",
            description = "Texts of the corpus (the first N) the Query Lens reads; 0: all. It costs minutes per "
                    + "feature on a 0.6B model on CPU at 64 texts (default ${DEFAULT-VALUE}).")
    long lensTexts;

    @Option(names = "--prefix", paramLabel = "TEXT",
            description = "Prefix the steering previews continue; repeat for several (default: \"The weather today "
                    + "is\" and \"My favourite food is\").")
    List<String> prefixes = new ArrayList<>(List.of("The weather today is", "My favourite food is"));

    @Option(names = "--alpha", defaultValue = "0,5,20,100", split = ",", paramLabel = "A[,A..]",
            description = "Steering strengths of the previews (default ${DEFAULT-VALUE}).")
    double[] alphas;

    @Option(names = "--preview-tokens", defaultValue = "16", paramLabel = "N",
            description = "New tokens per steering preview (default ${DEFAULT-VALUE}).")
    int previewTokens;

    @Option(names = "--bins", defaultValue = "20", paramLabel = "N",
            description = "Bins of the max-activation histogram (default ${DEFAULT-VALUE}).")
    int bins;

    @Override
    public Integer call() throws Exception {
        ClassifierBundle bundle = null;
        List<Target> targets = new ArrayList<>();
        if (classifier != null) {
            if (!features.isEmpty() || layer != null) {
                throw new IllegalArgumentException("give --layer/--feature or --classifier, not both");
            }
            bundle = ClassifierBundle.load(classifier);
            targets.addAll(TargetInventory.fromBundle(bundle, topN));
            if (targets.isEmpty()) {
                throw new IllegalArgumentException(classifier + " has no feature with a positive weight to show");
            }
        } else {
            if (features.isEmpty() || layer == null) {
                throw new IllegalArgumentException("give --layer L --feature F[,F..], or --classifier BUNDLE");
            }
            for (int f : features) {
                targets.add(new Target(new FeatureRef(layer, f), Double.NaN, "--feature"));
            }
        }
        Path index = DashboardRun.run(modelOptions.choice(), bundle, targets, dataset.texts(corpus),
                new DashboardSettings(contexts, tokens, lensTexts, prefixes, alphas,
                        previewTokens, bins), output, overwrite);
        System.err.printf("dashboard: %d feature pages; open %s%n", targets.size(), index);
        return 0;
    }
}
