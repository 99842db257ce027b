package org.toxiscope.synthesize.dashboard;

import java.util.List;
import org.toxiscope.synthesize.FeatureExplanation;

/**
 * Everything one feature's page shows: its layer and index, the classifier's weight ({@code null} without one or for a
 * rule), where it came from, its activation counts on the corpus, its explanation (logit lens, top contexts with
 * token activations, Query Lens) and its steering previews.
 */
public record FeatureDashboard(int layer, int feature, Double weight, String source, ActivationStats.Counts counts,
                               FeatureExplanation explanation, List<Preview> previews) {

    /** One greedy continuation of {@code prefix} with {@code alpha * W_dec[:, f]} added at the feature's layer. */
    public record Preview(String prefix, double alpha, String continuation) {
    }

    /** Share of the corpus's token positions where the feature is active (Neuronpedia's activation density). */
    public double density() {
        return counts.positions() == 0 ? 0 : (double) counts.firingPositions() / counts.positions();
    }

    /** Share of the corpus's texts the feature fires on (max-pooled activation above 0). */
    public double firingRate() {
        return counts.texts() == 0 ? 0 : (double) counts.firingTexts() / counts.texts();
    }

    /** The page's file name in the site. */
    public String page() {
        return "L" + layer + "_f" + feature + ".html";
    }
}
