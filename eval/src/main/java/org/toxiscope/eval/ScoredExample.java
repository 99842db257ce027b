package org.toxiscope.eval;

/**
 * One scored example: its id, language (null when unknown), gold label (true = toxic), the classifier's score
 * (any finite real; higher means more toxic) and its hard decision.
 */
public record ScoredExample(String id, String lang, boolean gold, double score, boolean predicted) {

    public ScoredExample {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("prediction " + id + ": score is " + score + ", expected a finite number");
        }
    }
}
