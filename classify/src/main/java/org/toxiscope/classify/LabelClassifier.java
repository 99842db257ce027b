package org.toxiscope.classify;

import java.util.List;

/** A scorer for one label column with its decision thresholds. */
public record LabelClassifier(String label, Scorer scorer, Thresholds thresholds) {

    /** How many contributions a positive prediction lists. */
    public static final int EXPLAIN_TOP = 5;

    /** The row's score, decision against its language's threshold, and for a positive one its top features. */
    public Prediction predict(FeatureTable table, int row) {
        double score = scorer.score(table, row);
        boolean positive = score >= thresholds.of(table.lang(row));
        List<Contribution> why = positive ? scorer.explain(table, row, EXPLAIN_TOP) : List.of();
        return new Prediction(label, score, positive, why);
    }
}
