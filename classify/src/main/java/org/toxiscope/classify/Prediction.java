package org.toxiscope.classify;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The decision for one example and one label: its score in [0, 1], the method's raw score (rule: features fired, SVM:
 * margin, logreg: probability), whether the raw score reaches the example's threshold, and, for a positive decision,
 * the features that contributed most (largest first; empty for a negative one).
 */
public record Prediction(String label, double score, double raw, boolean toxic, List<Contribution> explanation) {

    public Prediction {
        explanation = List.copyOf(explanation);
    }

    /** The {@code top_features} column: {@code L14:f2311@5" idiot"=3.2;L14:f17@0"You"=1.1}, empty when none. */
    public String topFeatures() {
        return explanation.stream().map(Contribution::toString).collect(Collectors.joining(";"));
    }

    /** This prediction with its explanation's token texts: {@code tokenAt} gives the text of a token position. */
    public Prediction withTokens(IntFunction<String> tokenAt) {
        if (explanation.isEmpty()) {
            return this;
        }
        return new Prediction(label, score, raw, toxic,
                explanation.stream().map(c -> c.position() >= 0 ? c.withToken(tokenAt.apply(c.position())) : c).toList());
    }
}
