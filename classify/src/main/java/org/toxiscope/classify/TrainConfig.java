package org.toxiscope.classify;

/**
 * Settings of {@code toxiscope train}. Layers: {@code compose > 0} uses the {@code compose} layers with the highest
 * top1-diff (the rule keeps the single best feature of each); otherwise {@link LayerChoice} picks the best layer or
 * every layer of the feature table. {@code topFeatures}: K features per layer for the rule, the top N by delta per
 * layer for a linear model (0 = all). {@code validationFraction} of each (language, label) stratum is held out
 * for metrics and threshold tuning; {@code discoveryFraction} of the rest is used for discovery and fitting.
 */
public record TrainConfig(Method method, LayerChoice layerChoice, int compose, int topFeatures,
                          double discoveryFraction, double validationFraction, long seed,
                          boolean perLanguageThresholds, LinearSettings linear) {

    /** How the layers of the feature table are used when not composing. */
    public enum LayerChoice {
        /** The layer with the largest top1-diff (the report's choice without evaluation). */
        BEST,
        /** Every layer of the feature table. */
        EACH
    }

    public TrainConfig {
        if (compose < 0 || topFeatures < 0) {
            throw new IllegalArgumentException("compose and top-features must not be negative");
        }
        if (method == Method.RULE && topFeatures < 1 && compose == 0) {
            throw new IllegalArgumentException("the rule method needs --top-features of at least 1");
        }
        if (!(discoveryFraction > 0 && discoveryFraction <= 1)) {
            throw new IllegalArgumentException("discovery fraction must lie in (0, 1], got " + discoveryFraction);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must lie in [0, 1), got " + validationFraction);
        }
        if (method != Method.RULE && (linear == null || linear.method() != method)) {
            throw new IllegalArgumentException("method " + method.id() + " needs linear settings for " + method.id());
        }
    }

    /** Best layer, K = 1 for the rule or all features for a linear model, all discovery data, 20% validation, seed 42. */
    public static TrainConfig defaults(Method method) {
        long seed = 42;
        return new TrainConfig(method, LayerChoice.BEST, 0, method == Method.RULE ? 1 : 0, 1.0, 0.2, seed, false,
                method == Method.RULE ? null : LinearSettings.defaults(method, seed));
    }
}
