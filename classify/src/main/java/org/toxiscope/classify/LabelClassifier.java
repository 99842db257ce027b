package org.toxiscope.classify;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scorer for one label column with its decision thresholds (on the raw score) and the scaling of the raw score into
 * the probability-like score in [0, 1] that predictions report.
 */
public record LabelClassifier(String label, Scorer scorer, Thresholds thresholds, PlattScaling scaling) {

    /** How many contributions a positive prediction lists. */
    public static final int EXPLAIN_TOP = 5;

    /** A classifier whose scores are squashed with the scorer's fixed {@link Scorer#defaultScaling()}. */
    public LabelClassifier(String label, Scorer scorer, Thresholds thresholds) {
        this(label, scorer, thresholds, scorer.defaultScaling());
    }

    /** The row's score in [0, 1]. */
    public double score(FeatureTable table, int row) {
        return scale(scorer.score(table, row));
    }

    /** The score in [0, 1] of a raw score. */
    public double scale(double raw) {
        return scaling.apply(scorer.logOdds(raw));
    }

    /** The thresholds mapped onto the [0, 1] score: {@code score >= t} is the decision wherever scores do not saturate. */
    public Thresholds scoreThresholds() {
        Map<String, Double> per = new TreeMap<>();
        thresholds.perLanguage().forEach((lang, t) -> per.put(lang, scale(t)));
        return new Thresholds(scale(thresholds.global()), per);
    }

    /**
     * The row's score and raw score, decision (raw score against its language's threshold, so scaling never changes
     * a decision), and for a positive one its top features.
     */
    public Prediction predict(FeatureTable table, int row) {
        double raw = scorer.score(table, row);
        boolean positive = raw >= thresholds.of(table.lang(row));
        List<Contribution> why = positive ? scorer.explain(table, row, EXPLAIN_TOP) : List.of();
        return new Prediction(label, scale(raw), raw, positive, why);
    }
}
