package org.toxiscope.cli;

import org.toxiscope.classify.LinearSettings;
import org.toxiscope.classify.Method;
import org.toxiscope.classify.TrainConfig;
import picocli.CommandLine.Option;

/** Which features and layers a trained classifier uses: the flags {@code train} and {@code eval curve} share. */
final class ClassifierChoiceOptions {

    @Option(names = "--top-features", paramLabel = "K",
            description = "rule: K features per layer (default 1); logreg/svm: the top K by delta per layer (default all).")
    Integer topFeatures;

    @Option(names = "--compose", paramLabel = "m", defaultValue = "0",
            description = "Use the m layers with the highest top1-diff (the rule keeps the best feature of each).")
    int compose;

    @Option(names = "--each-layer", description = "Use every given layer (instead of the best one by top1-diff).")
    boolean eachLayer;

    /**
     * The training configuration of {@code method} with these choices; {@code epochs} (null: the method's default)
     * sets the SGD epochs of logreg/svm.
     */
    TrainConfig config(Method method, Integer epochs, double discoveryFraction, double validationFraction, long seed,
                       boolean perLanguageThresholds) {
        LinearSettings linear = null;
        if (method != Method.RULE) {
            LinearSettings d = LinearSettings.defaults(method, seed);
            linear = new LinearSettings(method, epochs != null ? epochs : d.epochs(), d.learningRate(), d.values(),
                    d.classWeights(), seed);
        }
        int top = topFeatures != null ? topFeatures : method == Method.RULE ? 1 : 0;
        return new TrainConfig(method, eachLayer ? TrainConfig.LayerChoice.EACH : TrainConfig.LayerChoice.BEST,
                compose, top, discoveryFraction, validationFraction, seed, perLanguageThresholds, linear);
    }
}
