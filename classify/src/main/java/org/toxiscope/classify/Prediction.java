package org.toxiscope.classify;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The decision for one example and one label: its score, whether the score reaches the example's threshold, and,
 * for a positive decision, the features that contributed most (largest first; empty for a negative one).
 */
public record Prediction(String label, double score, boolean toxic, List<Contribution> explanation) {

    public Prediction {
        explanation = List.copyOf(explanation);
    }

    /** The {@code top_features} column: {@code L14:f2311@tok5=3.2;L14:f17@tok0=1.1}, empty when none. */
    public String topFeatures() {
        return explanation.stream().map(Contribution::toString).collect(Collectors.joining(";"));
    }
}
