package org.toxiscope.eval;

/**
 * Points of a curve traced by lowering the decision threshold: x and y per point and the threshold (score at or above
 * which an example counts as toxic) that produces it. ROC: x = false positive rate, y = true positive rate;
 * PR: x = recall, y = precision.
 */
public record Curve(double[] x, double[] y, double[] thresholds) {
}
