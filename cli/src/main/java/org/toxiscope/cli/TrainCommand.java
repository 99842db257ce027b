package org.toxiscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.toxiscope.classify.ClassifierTrainer;
import org.toxiscope.classify.CorpusPass;
import org.toxiscope.classify.ExtractionProvenance;
import org.toxiscope.classify.ConfusionMatrix;
import org.toxiscope.classify.FeatureTables;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.TrainConfig;
import org.toxiscope.classify.TrainResult;
import org.toxiscope.datasets.RecordStream;
import org.toxiscope.features.extract.FeatureSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toxiscope train}: fits a toxicity classifier on pooled SAE features and writes one self-describing bundle. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a classifier on SAE features: features are extracted once through the feature cache, "
                + "toxic features discovered by delta, then the method is fitted:",
            "  rule    the report's OR rule over the top-K features (of the best layer by top1-diff, or of the top m "
                + "layers with --compose m); no weights learned",
            "  logreg  Tribuo logistic regression on the pooled features (all, or the top-N by delta), class-weighted",
            "  svm     Tribuo linear SVM, the same way",
            "A validation split (stratified by language and label) is held out and its metrics printed. The bundle "
                + "records the model, SAE, layers, k, pooling, data hash, counts and settings."},
        footer = {"", "Example:",
            "  toxiscope train --model Qwen/Qwen3-1.7B-Base --sae Qwen/SAE-Res-Qwen3-1.7B-Base-W32K-L0_50 \\",
            "      --layers all --data train.jsonl --method rule --top-features 5 --output toxic.tsc"})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SaeOptions sae;

    @Option(names = "--data", required = true, paramLabel = "TRAIN", description = "Labelled training data.")
    List<String> data;

    @Mixin
    DatasetOptions columns;

    @Mixin
    FeatureOptions features;

    @Option(names = "--method", required = true, paramLabel = "rule|logreg|svm", description = "Classifier type.")
    String method;

    @Mixin
    ClassifierChoiceOptions choice;

    @Option(names = "--discovery-fraction", paramLabel = "F", defaultValue = "1.0",
            description = "Fraction of the training split used for discovery and fitting (default ${DEFAULT-VALUE}).")
    double discoveryFraction;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Held out per (language, label) for metrics and thresholds (default ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--per-language-thresholds", description = "Tune a decision threshold per language on validation.")
    boolean perLanguageThresholds;

    @Option(names = "--epochs", paramLabel = "N", description = "SGD epochs for logreg/svm (default 10).")
    Integer epochs;

    @Option(names = "--output", required = true, paramLabel = "toxic.tsc", description = "The classifier bundle to write.")
    Path output;

    @Option(names = "--chunk", defaultValue = "" + CorpusPass.DEFAULT_CHUNK, hidden = true)
    int chunk;

    @Override
    public Integer call() throws Exception {
        Method m = Method.parse(method);
        long seed = columns.seed;
        TrainConfig config = choice.config(m, epochs, discoveryFraction, validationFraction, seed,
                perLanguageThresholds);
        TrainResult result;
        try (FeatureSession session = Sessions.open("train", model, sae, features);
             RecordStream records = columns.corpus(data).read()) {
            FeatureTables.Loaded loaded = FeatureTables.load(session, records, "train: features", chunk);
            result = ClassifierTrainer.train(loaded.table(), config, ExtractionProvenance.of(session),
                    loaded.dataSha256(), Version.current());
        }
        result.bundle().save(output);
        System.out.printf("trained %s on %d discovery rows; layers %s; validation rows %d%n", m.id(),
                result.discoveryRows(), java.util.Arrays.toString(result.bundle().layers()), result.validationRows());
        for (var e : result.validation().entrySet()) {
            ConfusionMatrix v = e.getValue();
            System.out.printf("validation %s: accuracy %s precision %s recall %s F1 %s (n=%d)%n", e.getKey(),
                    EvalCommand.fmt(v.accuracy()), EvalCommand.fmt(v.precision()), EvalCommand.fmt(v.recall()),
                    EvalCommand.fmt(v.f1()), v.total());
            var byLang = result.validationByLanguage().get(e.getKey());
            if (byLang != null) {
                byLang.forEach((lang, lv) -> System.out.printf("  %-4s F1 %s (n=%d)%n", lang, EvalCommand.fmt(lv.f1()),
                        lv.total()));
            }
        }
        System.err.println("train: wrote " + output);
        return 0;
    }
}
