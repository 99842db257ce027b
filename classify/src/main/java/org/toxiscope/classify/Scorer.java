package org.toxiscope.classify;

import java.util.List;

/** Scores one label of the rows of a feature table with the method's raw score: higher means more likely positive. */
public interface Scorer {

    /** The layers the scorer reads; the feature table must hold them all. */
    int[] layers();

    /** Every feature the scorer reads, by layer then feature. */
    List<FeatureRef> features();

    double score(FeatureTable table, int row);

    /** The threshold a score is compared with ({@code score >= threshold} is positive) when none was tuned. */
    double defaultThreshold();

    /** A raw score on the log-odds-like scale a {@link PlattScaling} is linear in: the score itself unless overridden. */
    default double logOdds(double raw) {
        return raw;
    }

    /**
     * The fixed squash into [0, 1] of a label trained without validation rows of both classes (and of bundles
     * written before scores were calibrated): it maps {@link #defaultThreshold()} to 0.5.
     */
    PlattScaling defaultScaling();

    /** Up to {@code max} features with the largest positive contributions to the row's score, largest first. */
    List<Contribution> explain(FeatureTable table, int row, int max);
}
