package org.toxiscope.eval;

/** Precision, recall and F1 of the toxic class when every score >= threshold counts as toxic. */
public record ThresholdPoint(double threshold, double precision, double recall, double f1) {
}
